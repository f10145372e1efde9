"""Telegram adapter: python-telegram-bot callbacks that translate updates to ``bot.Incoming`` and render
``bot.Outgoing`` with Telegram's own widgets and limits. It decides nothing; the core does.

Offers :func:`adapters.telegram.app.build_application` and :func:`adapters.telegram.app.serve`.
"""
