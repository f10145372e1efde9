"""Slash commands: "/video a corgi surfing, vertical", "/remix@MyBot #12 at night", "/recut 2 make him jump".

Telegram appends "@BotName" to commands in groups; it is dropped. Arguments are read by the same readers as
plain sentences (settings, clip references, re-cut points, storyboard cards). An unknown command gets help.
"""

from __future__ import annotations

import re

_SLASH = re.compile(r"^[/／](?P<name>[A-Za-z_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?![A-Za-z0-9_])[ \t:：]*(?P<args>.*)\Z",
                    re.DOTALL)

#: Command name -> action. Aliases people type from habit (and other bots) land on the same action.
ACTIONS: dict[str, str] = {
    "video": "generate", "generate": "generate", "gen": "generate", "make": "generate", "new": "generate",
    "imagine": "generate", "animate": "animate", "remix": "remix", "edit": "remix", "recut": "recut",
    "cut": "recut", "extend": "extend", "continue": "extend", "blend": "blend", "merge": "blend",
    "loop": "loop", "storyboard": "storyboard", "board": "storyboard", "settings": "settings",
    "setting": "settings", "defaults": "settings", "balance": "balance", "credits": "balance",
    "history": "history", "clips": "history", "buy": "buy", "topup": "buy", "share": "share",
    "cancel": "cancel", "stop": "cancel", "help": "help", "start": "help",
}


def split(text: str) -> tuple[str, str] | None:
    """(action, arguments) for a slash command; None when ``text`` is not one."""
    match = _SLASH.match(text)
    if not match:
        return None
    return ACTIONS.get(match.group("name").lower(), "help"), match.group("args").strip()
