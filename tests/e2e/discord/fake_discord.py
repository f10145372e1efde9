"""A fake Discord on 127.0.0.1: enough REST and gateway for the real discord.py client to run against.

Why a fake and not mocks: the adapter's contract is with Discord's wire protocol (deferred interactions,
webhook edits, multipart uploads, gateway RESUME), so the tests run the real discord.py client and only
replace the far end. The fake keeps every request and message so tests can assert on what a user would see.

Usage::

    fake = FakeDiscord()
    await fake.start()
    settings = load_settings(discord_api_base_url=fake.api_base, discord_gateway_url=fake.gateway_url, ...)
    ...
    await fake.dispatch("INTERACTION_CREATE", fake.slash_command("video", {"prompt": "a cat"}, user=fake.alice))
    msg = await fake.wait_for_message(lambda m: m["attachments"])
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

#: Discord's message flags the fake interprets.
EPHEMERAL = 1 << 6
LOADING = 1 << 7
#: Interaction callback types (Discord's numbering).
CALLBACK_MESSAGE = 4
CALLBACK_DEFERRED = 5
CALLBACK_DEFERRED_UPDATE = 6
CALLBACK_UPDATE = 7
CALLBACK_MODAL = 9
#: All permissions, as Discord serialises them (a string of an int).
ALL_PERMISSIONS = str((1 << 50) - 1)
#: View channel, send messages, read history: an ordinary member.
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 16) | (1 << 31))


def _json(data: Any, *, status: int = 200) -> web.Response:
    """JSON exactly as Discord labels it: discord.py compares the content type without a charset."""
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Request:
    """One REST call the client made, as the fake understood it."""

    method: str
    path: str
    json: Any = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Session:
    """A gateway session: its sequence numbers and every event sent, so RESUME can replay."""

    session_id: str
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None


@dataclass
class Interaction:
    """What the fake remembers of an interaction it dispatched, and how the bot answered it."""

    id: str
    token: str
    channel_id: str
    user: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_message_id: str | None = None
    #: The message whose component (or modal opened from one) this is: what an UPDATE_MESSAGE callback edits.
    message_id: str | None = None


class FakeDiscord:
    """Discord's REST API (v10 paths) and gateway, in one aiohttp app on 127.0.0.1."""

    def __init__(self, *, premium_tier: int = 0) -> None:
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self.app_id = self.new_id()
        self.bot_user = self.make_user("reelbot", bot=True, user_id=self.app_id)
        self.alice = self.make_user("alice")
        self.bob = self.make_user("bob")
        self.admin = self.make_user("admin")
        self.guild_id = self.new_id()
        self.channel_id = self.new_id()
        self.other_channel_id = self.new_id()
        self.premium_tier = premium_tier
        self.channels: dict[str, dict[str, Any]] = {
            cid: {"id": cid, "type": 0, "name": name, "position": i, "guild_id": self.guild_id,
                  "permission_overwrites": [], "nsfw": False, "parent_id": None}
            for i, (cid, name) in enumerate([(self.channel_id, "videos"), (self.other_channel_id, "general")])
        }
        self.requests: list[Request] = []
        self.messages: dict[str, dict[str, Any]] = {}
        #: Every version of every message, in order: (message id, payload after the change).
        self.history: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.interactions: dict[str, Interaction] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.identifies = 0
        self.resumes = 0
        self.heartbeat_interval_ms = 41_250
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=1 << 30)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway-resume", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/attachments/{id}/{filename}", self._attachment)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What DISCORD_API_BASE_URL should be (discord.py's Route.BASE)."""
        return f"{self.base}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ---- builders for the tests ------------------------------------------------------------------------

    def new_id(self) -> str:
        return str(next(self._ids))

    def make_user(self, name: str, *, bot: bool = False, user_id: str | None = None) -> dict[str, Any]:
        return {"id": user_id or self.new_id(), "username": name, "discriminator": "0", "global_name": name,
                "avatar": None, "bot": bot, "public_flags": 0}

    def member(self, user: dict[str, Any], *, permissions: str = MEMBER_PERMISSIONS) -> dict[str, Any]:
        return {"user": user, "roles": [], "joined_at": _now(), "deaf": False, "mute": False, "flags": 0,
                "nick": None, "permissions": permissions}

    def guild_payload(self) -> dict[str, Any]:
        everyone = {"id": self.guild_id, "name": "@everyone", "permissions": MEMBER_PERMISSIONS, "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": self.guild_id, "name": "Video Lab", "icon": None, "owner_id": self.admin["id"],
            "roles": [everyone], "emojis": [], "stickers": [], "features": [], "premium_tier": self.premium_tier,
            "channels": list(self.channels.values()), "members": [self.member(self.bot_user)],
            "member_count": 4, "large": False, "unavailable": False, "voice_states": [], "presences": [],
            "threads": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "preferred_locale": "en-US", "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "system_channel_flags": 0,
            "premium_subscription_count": 0, "joined_at": _now(),
        }

    def _interaction_base(self, itype: int, user: dict[str, Any], *, channel_id: str | None, dm: bool,
                          size_limit: int, admin: bool) -> dict[str, Any]:
        iid, token = self.new_id(), f"tok-{uuid.uuid4().hex}"
        channel_id = channel_id or self.channel_id
        payload: dict[str, Any] = {
            "id": iid, "type": itype, "token": token, "version": 1, "application_id": self.app_id,
            "channel_id": channel_id, "attachment_size_limit": size_limit, "app_permissions": ALL_PERMISSIONS,
            "locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": self.guild_id},
        }
        if dm:
            payload["channel"] = {"id": channel_id, "type": 1, "recipients": [user]}
            payload["user"] = user
            payload["context"] = 1
        else:
            payload["channel"] = dict(self.channels.get(channel_id, {"id": channel_id, "type": 0, "name": "x",
                                                                     "guild_id": self.guild_id}))
            payload["guild_id"] = self.guild_id
            payload["guild_locale"] = "en-US"
            payload["member"] = self.member(user, permissions=ALL_PERMISSIONS if admin else MEMBER_PERMISSIONS)
            payload["context"] = 0
        self.interactions[iid] = Interaction(iid, token, channel_id, user)
        return payload

    def slash_command(self, name: str, options: dict[str, Any] | None = None, *, user: dict[str, Any],
                      channel_id: str | None = None, dm: bool = False, size_limit: int = 10 * 1024 * 1024,
                      admin: bool = False, attachments: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for ``/name`` with ``options`` (values typed as Discord would)."""
        payload = self._interaction_base(2, user, channel_id=channel_id, dm=dm, size_limit=size_limit, admin=admin)
        command = next((c for cmds in self.commands.values() for c in cmds if c["name"] == name), None)
        opts = []
        for key, value in (options or {}).items():
            kind = {bool: 5, int: 4, float: 10}.get(type(value), 3)
            if attachments and key in attachments:
                kind = 11
            opts.append({"name": key, "type": kind, "value": value})
        payload["data"] = {"id": command["id"] if command else self.new_id(), "name": name, "type": 1,
                           "options": opts}
        if attachments:
            payload["data"]["resolved"] = {"attachments": {a["id"]: a for a in attachments.values()}}
        return payload

    def button_press(self, message: dict[str, Any], custom_id: str, *, user: dict[str, Any],
                     size_limit: int = 10 * 1024 * 1024) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for pressing the button ``custom_id`` under ``message``."""
        dm = self.channels.get(message["channel_id"]) is None
        payload = self._interaction_base(3, user, channel_id=message["channel_id"], dm=dm, size_limit=size_limit,
                                         admin=False)
        payload["message"] = message
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        self.interactions[payload["id"]].message_id = message["id"]
        return payload

    def modal_submit(self, modal: dict[str, Any], values: dict[str, str], *, user: dict[str, Any],
                     channel_id: str | None = None, size_limit: int = 10 * 1024 * 1024,
                     uploads: dict[str, tuple[str, bytes, str]] | None = None,
                     message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Submitting the modal the bot opened (``modal`` is the callback's data) with text ``values``.

        ``uploads`` maps a file upload's custom_id to (filename, bytes, content type): the files are served
        like Discord's CDN and resolved as attachments. ``message``: the message whose button opened the modal.
        """
        payload = self._interaction_base(5, user, channel_id=channel_id, dm=False, size_limit=size_limit,
                                         admin=False)
        rows: list[dict[str, Any]] = []
        resolved: dict[str, dict[str, Any]] = {}
        for row in modal["components"]:
            inputs = [row["component"]] if row["type"] == 18 else row.get("components", [])
            for component in inputs:
                custom_id = component["custom_id"]
                if component["type"] == 19:  # a file upload, inside its label
                    ids = []
                    if uploads and custom_id in uploads:
                        filename, data, content_type = uploads[custom_id]
                        attachment = self.upload(filename, data, content_type)
                        resolved[attachment["id"]] = attachment
                        ids.append(attachment["id"])
                    rows.append({"type": 18, "component": {"type": 19, "custom_id": custom_id, "values": ids}})
                    continue
                rows.append({"type": 1, "components": [
                    {"type": 4, "custom_id": custom_id, "value": values.get(custom_id, "")}
                ]})
        payload["data"] = {"custom_id": modal["custom_id"], "components": rows}
        if resolved:
            payload["data"]["resolved"] = {"attachments": resolved}
        if message is not None:
            payload["message"] = message
            self.interactions[payload["id"]].message_id = message["id"]
        return payload

    def upload(self, filename: str, data: bytes, content_type: str) -> dict[str, Any]:
        """A user's file as Discord holds it: an attachment payload whose URL this server answers."""
        aid = self.new_id()
        self.files[aid] = data
        url = f"{self.base}/attachments/{aid}/{filename}"
        return {"id": aid, "filename": filename, "size": len(data), "url": url, "proxy_url": url,
                "content_type": content_type}

    def user_message(self, content: str, *, user: dict[str, Any], channel_id: str | None = None,
                     dm: bool = False, mention_bot: bool = False) -> dict[str, Any]:
        """A MESSAGE_CREATE payload; ``mention_bot`` prefixes ``<@bot>`` and lists the bot in ``mentions``."""
        channel_id = channel_id or (self.new_id() if dm else self.channel_id)
        if mention_bot:
            content = f"<@{self.bot_user['id']}> {content}"
        payload = self._message(channel_id, author=user, content=content)
        payload["mentions"] = [self.bot_user] if mention_bot else []
        if not dm:
            payload["guild_id"] = self.guild_id
            member = self.member(user)
            member.pop("user")
            payload["member"] = member
        self.messages[payload["id"]] = payload
        return payload

    # ---- gateway ---------------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to the current session; kept for replay if the connection is down."""
        session = self.current
        assert session is not None, "no client has identified yet"
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_json(frame)

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the gateway connection the way a network blip or Discord restart would (resumable code)."""
        session = self.current
        if session is not None and session.ws is not None:
            ws, session.ws = session.ws, None
            await ws.close(code=code)

    async def wait_ready(self, timeout: float = 10.0) -> None:
        await self.wait_until(lambda: self.current is not None and self.current.ws is not None
                              and self.current.seq >= 2, timeout=timeout)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                await ws.send_json({"op": 11})
            elif op == 2:
                await self._identify(ws)
            elif op == 6:
                await self._resume(ws, data)
        return ws

    async def _identify(self, ws: web.WebSocketResponse) -> None:
        self.identifies += 1
        session = Session(session_id=uuid.uuid4().hex)
        self.sessions[session.session_id] = session
        session.ws = ws
        self.current = session
        await self.dispatch("READY", {
            "v": 10, "user": self.bot_user, "guilds": [{"id": self.guild_id, "unavailable": True}],
            "session_id": session.session_id, "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway-resume",
            "application": {"id": self.app_id, "flags": 1 << 19}, "private_channels": [], "relationships": [],
        })
        await self.dispatch("GUILD_CREATE", self.guild_payload())
        await self._notify()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None:
            await ws.send_json({"op": 9, "d": False})
            return
        self.resumes += 1
        session.ws = ws
        self.current = session
        for frame in session.events:
            if frame["s"] > (data.get("seq") or 0):
                await ws.send_json(frame)
        await self.dispatch("RESUMED", {})
        await self._notify()

    # ---- REST ------------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        self.requests.append(Request(request.method, path, body, files))
        parts = path.strip("/").split("/")
        try:
            response = await self._route(request.method, parts, body, files, request)
        finally:
            await self._notify()
        if response is None:
            return _json({"message": f"404: {request.method} {path}", "code": 10000}, status=404)
        if isinstance(response, web.StreamResponse):
            return response
        return _json(response)

    async def _read_body(self, request: web.Request) -> tuple[Any, dict[str, tuple[str, bytes]]]:
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type.startswith("multipart/"):
            body = None
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files[part.name or ""] = (part.filename or "file", bytes(await part.read()))
            return body, files
        if request.can_read_body:
            raw = await request.read()
            return (json.loads(raw) if raw else None), files
        return None, files

    async def _route(self, method: str, p: list[str], body: Any, files: dict, request: web.Request) -> Any:
        match (method, p):
            case ("GET", ["gateway", "bot"]) | ("GET", ["gateway"]):
                return {"url": self.gateway_url, "shards": 1,
                        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                                "max_concurrency": 1}}
            case ("GET", ["users", "@me"]):
                return self.bot_user
            case ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]):
                return {"id": self.app_id, "name": "reelbot", "icon": None, "description": "", "bot_public": True,
                        "bot_require_code_grant": False, "verify_key": "0" * 64, "owner": self.admin,
                        "flags": 1 << 19, "team": None}
            case ("PUT", ["applications", _, "commands"]):
                return self._sync_commands("global", body)
            case ("PUT", ["applications", _, "guilds", guild_id, "commands"]):
                return self._sync_commands(guild_id, body)
            case ("GET", ["applications", _, "commands"]):
                return self.commands.get("global", [])
            case ("POST", ["interactions", iid, _token, "callback"]):
                return self._callback(iid, body, files)
            case ("GET", ["webhooks", _, token, "messages", "@original"]):
                return self.messages.get(self._interaction_by_token(token).original_message_id or "")
            case ("PATCH", ["webhooks", _, token, "messages", "@original"]):
                interaction = self._interaction_by_token(token)
                if interaction.original_message_id is None:
                    return None
                return self._edit(interaction.original_message_id, body, files)
            case ("PATCH", ["webhooks", _, token, "messages", mid]):
                return self._edit(mid, body, files)
            case ("POST", ["webhooks", _, token]):
                interaction = self._interaction_by_token(token)
                return self._create(interaction.channel_id, body, files, interaction=interaction)
            case ("GET", ["channels", cid]):
                return self.channels.get(cid) or {"id": cid, "type": 1, "recipients": [self.alice]}
            case ("POST", ["channels", cid, "messages"]):
                return self._create(cid, body, files)
            case ("PATCH", ["channels", _cid, "messages", mid]):
                return self._edit(mid, body, files)
            case ("GET", ["channels", _cid, "messages", mid]):
                return self.messages.get(mid)
            case ("POST", ["channels", _cid, "typing"]):
                return web.Response(status=204)
            case ("POST", ["users", "@me", "channels"]):
                cid = self.new_id()
                return {"id": cid, "type": 1, "recipients": [{"id": body["recipient_id"], "username": "dm"}]}
            case ("DELETE", ["webhooks", _, token, "messages", mid]):
                if mid == "@original":
                    mid = self._interaction_by_token(token).original_message_id or ""
                self.messages.pop(mid, None)
                return web.Response(status=204)
            case ("DELETE", ["channels", _, "messages", mid]):
                self.messages.pop(mid, None)
                return web.Response(status=204)
        return None

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    def _sync_commands(self, scope: str, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        synced = []
        for command in body:
            synced.append({**command, "id": self.new_id(), "application_id": self.app_id, "version": self.new_id(),
                           "type": command.get("type", 1), **({} if scope == "global" else {"guild_id": scope})})
        self.commands[scope] = synced
        return synced

    def _interaction_by_token(self, token: str) -> Interaction:
        return next(i for i in self.interactions.values() if i.token == token)

    def _callback(self, iid: str, body: dict[str, Any], files: dict) -> dict[str, Any]:
        interaction = self.interactions[iid]
        interaction.callbacks.append(body)
        kind, data = body["type"], body.get("data") or {}
        response: dict[str, Any] = {"interaction": {"id": iid, "type": 2}}
        if kind in (CALLBACK_MESSAGE, CALLBACK_DEFERRED):
            flags = int(data.get("flags", 0))
            if kind == CALLBACK_DEFERRED:
                flags |= LOADING
            message = self._create(interaction.channel_id, {**data, "flags": flags}, files, interaction=interaction)
            interaction.original_message_id = message["id"]
            response["interaction"].update(response_message_id=message["id"],
                                           response_message_loading=kind == CALLBACK_DEFERRED,
                                           response_message_ephemeral=bool(flags & EPHEMERAL))
            response["resource"] = {"type": kind, "message": message}
        elif kind == CALLBACK_DEFERRED_UPDATE:  # the message with the component is now the "@original"
            interaction.original_message_id = interaction.message_id
        elif kind == CALLBACK_UPDATE and interaction.message_id is not None:
            message = self._edit(interaction.message_id, data, files)
            response["resource"] = {"type": kind, "message": message}
        return response

    def _message(self, channel_id: str, *, author: dict[str, Any], content: str = "") -> dict[str, Any]:
        return {"id": self.new_id(), "channel_id": channel_id, "author": author, "content": content,
                "timestamp": _now(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0,
                "components": [], "flags": 0}

    def _apply(self, message: dict[str, Any], body: dict[str, Any] | None, files: dict) -> None:
        body = body or {}
        for key in ("content", "embeds", "components", "flags"):
            if key in body and body[key] is not None:
                message[key] = body[key]
        if "flags" in body:
            message["flags"] = int(body["flags"] or 0)
        if files or "attachments" in body:
            kept = [a for a in message["attachments"] if any(str(b.get("id")) == a["id"]
                                                             for b in body.get("attachments", []))]
            for filename, data in files.values():
                aid = self.new_id()
                self.files[aid] = data
                kept.append({"id": aid, "filename": filename, "size": len(data),
                             "url": f"{self.base}/attachments/{aid}/{filename}",
                             "proxy_url": f"{self.base}/attachments/{aid}/{filename}",
                             "content_type": "video/mp4" if filename.endswith(".mp4") else None})
            message["attachments"] = kept

    def _create(self, channel_id: str, body: Any, files: dict, *, interaction: Interaction | None = None
                ) -> dict[str, Any]:
        message = self._message(channel_id, author=self.bot_user)
        if channel_id in self.channels:
            message["guild_id"] = self.guild_id
        if interaction is not None:
            message["interaction_metadata"] = {"id": interaction.id, "type": 2, "user": interaction.user,
                                               "authorizing_integration_owners": {}}
            message["webhook_id"] = self.app_id
        self._apply(message, body, files)
        self.messages[message["id"]] = message
        self.history.append((message["id"], json.loads(json.dumps(message))))
        return message

    def _edit(self, message_id: str, body: Any, files: dict) -> dict[str, Any] | None:
        message = self.messages.get(message_id)
        if message is None:
            return None
        self._apply(message, body, files)
        message["flags"] = int(message.get("flags", 0)) & ~LOADING
        message["edited_timestamp"] = _now()
        self.history.append((message_id, json.loads(json.dumps(message))))
        return message

    # ---- waiting ---------------------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], Any], *, timeout: float = 15.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every request and gateway change)."""
        async def _wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    try:
                        await asyncio.wait_for(self._changed.wait(), 0.5)
                    except TimeoutError:
                        pass
                return result
        return await asyncio.wait_for(_wait(), timeout)

    async def wait_for_message(self, predicate: Callable[[dict[str, Any]], bool], *, timeout: float = 15.0,
                               after: int = 0) -> dict[str, Any]:
        """The first message version (created or edited, from ``history[after:]``) matching ``predicate``."""
        def find() -> dict[str, Any] | None:
            return next((m for _, m in self.history[after:] if predicate(m)), None)
        return await self.wait_until(find, timeout=timeout)

    def callbacks(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """How the bot answered the interaction built as ``payload``."""
        return self.interactions[payload["id"]].callbacks

    def versions(self, message_id: str) -> list[dict[str, Any]]:
        return [m for mid, m in self.history if mid == message_id]
