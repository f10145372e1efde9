"""Initial schema: users and their platform identities, chats, the credit ledger, jobs, clips,
storyboard drafts, payments and clip messages.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27 10:31:54.451388
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=16), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('batch_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('total_steps', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('eta_s', sa.Float(), nullable=True),
    sa.Column('error', sa.String(length=2000), nullable=True),
    sa.Column('error_code', sa.String(length=64), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('worker_id', sa.String(length=128), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_owner_status', ['owner', 'status'], unique=False)
        batch_op.create_index('ix_job_status_tier_created', ['status', 'priority', 'created_at'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('blocked', sa.Boolean(), nullable=False),
    sa.Column('defaults', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_user_balance_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user'))
    )
    op.create_table('clip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('variation', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=16), nullable=False),
    sa.Column('prompt', sa.String(length=4000), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('thumbnail_path', sa.String(length=1000), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('fps', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.Integer(), nullable=False),
    sa.Column('parent_clip_id', sa.Integer(), nullable=True),
    sa.Column('parent_b_clip_id', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('file_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_b_clip_id'], ['clip.id'], name=op.f('fk_clip_parent_b_clip_id_clip')),
    sa.ForeignKeyConstraint(['parent_clip_id'], ['clip.id'], name=op.f('fk_clip_parent_clip_id_clip')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_clip_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clip'))
    )
    with op.batch_alter_table('clip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clip_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clip_user_id'), ['user_id'], unique=False)

    op.create_table('credit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_credit_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_entry')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_credit_entry_idempotency_key'))
    )
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_entry_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_entry_user_id'), ['user_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('charge_id', sa.String(length=200), nullable=False),
    sa.Column('pack_id', sa.String(length=64), nullable=False),
    sa.Column('credits', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_payment_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('charge_id', name=op.f('uq_payment_charge_id'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_user_id'), ['user_id'], unique=False)

    op.create_table('platform_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_platform_identity_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_identity')),
    sa.UniqueConstraint('platform', 'external_id', name='uq_platform_identity_platform_external')
    )
    with op.batch_alter_table('platform_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_identity_user_id'), ['user_id'], unique=False)

    op.create_table('chat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('focus_clip_id', sa.Integer(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['focus_clip_id'], ['clip.id'], name=op.f('fk_chat_focus_clip_id_clip')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat')),
    sa.UniqueConstraint('platform', 'external_id', name='uq_chat_platform_external')
    )
    op.create_table('clip_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_external_id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('clip_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clip_id'], ['clip.id'], name=op.f('fk_clip_message_clip_id_clip')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clip_message')),
    sa.UniqueConstraint('platform', 'chat_external_id', 'message_id', name='uq_clip_message_platform_chat_message')
    )
    with op.batch_alter_table('clip_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clip_message_clip_id'), ['clip_id'], unique=False)

    op.create_table('storyboard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('cards', sa.JSON(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chat.id'], name=op.f('fk_storyboard_chat_id_chat')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_storyboard_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storyboard'))
    )
    with op.batch_alter_table('storyboard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storyboard_chat_id'), ['chat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_storyboard_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('storyboard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storyboard_user_id'))
        batch_op.drop_index(batch_op.f('ix_storyboard_chat_id'))

    op.drop_table('storyboard')
    with op.batch_alter_table('clip_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clip_message_clip_id'))

    op.drop_table('clip_message')
    op.drop_table('chat')
    with op.batch_alter_table('platform_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_identity_user_id'))

    op.drop_table('platform_identity')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_user_id'))

    op.drop_table('payment')
    with op.batch_alter_table('credit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_entry_user_id'))
        batch_op.drop_index(batch_op.f('ix_credit_entry_job_id'))

    op.drop_table('credit_entry')
    with op.batch_alter_table('clip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clip_user_id'))
        batch_op.drop_index(batch_op.f('ix_clip_job_id'))

    op.drop_table('clip')
    op.drop_table('user')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_status_tier_created')
        batch_op.drop_index('ix_job_owner_status')

    op.drop_table('job')
