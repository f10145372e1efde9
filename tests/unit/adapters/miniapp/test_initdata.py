"""Telegram's init-data check, against a string signed as Telegram documents it."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote

import pytest

from adapters.miniapp.initdata import InvalidInitData, sign, validate

TOKEN = "123456:TEST-token"
NOW = 1_760_000_000


def signed_by_hand(fields: dict[str, str], token: str) -> str:
    """Telegram's recipe spelled out step by step, independent of the module under test."""
    secret = hmac.new(key=b"WebAppData", msg=token.encode(), digestmod=hashlib.sha256).digest()
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    digest = hmac.new(key=secret, msg=check.encode(), digestmod=hashlib.sha256).hexdigest()
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in {**fields, "hash": digest}.items())


def fields(**extra: str) -> dict[str, str]:
    user = {"id": 4242, "first_name": "Ann", "language_code": "zh-hans"}
    return {"query_id": "AAHdF6IQ", "user": json.dumps(user, ensure_ascii=False), "auth_date": str(NOW - 60), **extra}


def test_init_data_signed_as_telegram_specifies_names_the_user_and_their_private_chat():
    who = validate(signed_by_hand(fields(), TOKEN), TOKEN, now=NOW)
    assert (who.user_id, who.language_code, who.first_name, who.chat) == ("4242", "zh-hans", "Ann", "4242")


def test_the_test_signer_agrees_with_telegrams_recipe():
    assert validate(sign(fields(), TOKEN), TOKEN, now=NOW) == validate(signed_by_hand(fields(), TOKEN), TOKEN, now=NOW)


def test_a_chat_in_the_init_data_is_where_the_board_lives():
    who = validate(sign(fields(chat=json.dumps({"id": -100777, "type": "group"})), TOKEN), TOKEN, now=NOW)
    assert who.chat == "-100777"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda raw: raw.replace("4242", "4243"),  # another user
        lambda raw: raw.replace(str(NOW - 60), str(NOW)),  # a fresher date
        lambda raw: raw[:-1] + ("0" if raw[-1] != "0" else "1"),  # a changed hash
        lambda raw: raw + "&extra=1",  # a field Telegram did not sign
        lambda raw: "&".join(part for part in raw.split("&") if not part.startswith("hash=")),  # no hash
    ],
)
def test_tampered_init_data_is_refused(tamper):
    with pytest.raises(InvalidInitData):
        validate(tamper(sign(fields(), TOKEN)), TOKEN, now=NOW)


def test_init_data_signed_with_another_bots_token_is_refused():
    with pytest.raises(InvalidInitData, match="hash"):
        validate(sign(fields(), "999:other"), TOKEN, now=NOW)


def test_init_data_older_than_max_age_is_refused_and_younger_accepted():
    raw = sign(fields(), TOKEN)
    assert validate(raw, TOKEN, max_age_s=61, now=NOW).user_id == "4242"
    with pytest.raises(InvalidInitData, match="old"):
        validate(raw, TOKEN, max_age_s=59, now=NOW)


def test_missing_or_malformed_init_data_is_refused():
    with pytest.raises(InvalidInitData):
        validate("", TOKEN, now=NOW)
    with pytest.raises(InvalidInitData, match="malformed"):
        validate(sign({"auth_date": str(NOW), "user": "not json"}, TOKEN), TOKEN, now=NOW)
    with pytest.raises(InvalidInitData, match="twice"):
        validate(sign(fields(), TOKEN) + "&user=x", TOKEN, now=NOW)
