"""The conversation core: platform-neutral, no chat library, no torch.

Adapters talk to it through :class:`bot.service.BotService` (``handle(Incoming) -> list[Outgoing]`` and
``subscribe(platform)``) and the message types in :mod:`bot.messages`. Everything else here is its inside:
:mod:`bot.intents` (understanding), :mod:`bot.dialogue` (per-chat state), :mod:`bot.credits` (prices and the
ledger), :mod:`bot.clips` (history and lineage), :mod:`bot.deliveries` (job events to messages).
"""

from bot.messages import Attachment, Button, Incoming, Outgoing

__all__ = ["Attachment", "BotService", "Button", "Incoming", "Outgoing"]


def __getattr__(name: str):
    if name == "BotService":  # imported lazily: it pulls in the database layer
        from bot.service import BotService

        return BotService
    raise AttributeError(name)
