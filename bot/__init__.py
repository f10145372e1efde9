"""The conversation core: platform-neutral, no chat library, no torch.

Adapters talk to it through :class:`bot.service.BotService` (``handle(Incoming) -> list[Outgoing]`` and
``subscribe(platform)``, plus telling it which platform message shows what) and the message types in
:mod:`bot.messages`. The composition root (``reelbot.app``) builds the service. Everything else is its inside:
the router (:mod:`bot.service`) over one :class:`bot.turn.Turn`; :mod:`bot.intents` (the only code that reads
text); features named after themselves (:mod:`bot.jobs`, :mod:`bot.account`, :mod:`bot.storyboards`,
:mod:`bot.payments`, :mod:`bot.admin`); :mod:`bot.dialogue` (per-chat state); :mod:`bot.credits` (prices, ledger);
:mod:`bot.clips` (history, lineage); :mod:`bot.deliveries` (job events to messages, paced by :mod:`bot.pacer`)
into :mod:`bot.outbox`; :mod:`bot.shown` (which platform message shows which clip or board).
"""

from bot.messages import Attachment, Button, Incoming, Outgoing

__all__ = ["Attachment", "BotService", "Button", "Incoming", "Outgoing"]


def __getattr__(name: str):
    if name == "BotService":  # imported lazily: it pulls in the database layer
        from bot.service import BotService

        return BotService
    raise AttributeError(name)
