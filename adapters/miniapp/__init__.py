"""The Telegram Mini App adapter: a storyboard timeline editor served over HTTP, inside the chat.

Offers :func:`build_miniapp` (the aiohttp sub-application for ``/app/``), :func:`miniapp_mount` (how the
bot's HTTP server mounts it), :class:`BoardDesk` (what it needs from the core) and
:mod:`adapters.miniapp.initdata` (Telegram's init-data check). It translates HTTP to the core and back, as the
chat adapters translate updates.
"""

from adapters.miniapp.app import build_miniapp, miniapp_mount
from adapters.miniapp.core import BoardDesk

__all__ = ["BoardDesk", "build_miniapp", "miniapp_mount"]
