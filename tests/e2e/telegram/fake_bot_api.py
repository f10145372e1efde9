"""A fake Telegram Bot API server on 127.0.0.1, so the real python-telegram-bot client can be tested over HTTP.

It implements the methods the adapter calls, speaks the Bot API's wire format (form fields, multipart uploads,
``attach://`` references, ``{"ok": ..., "result": ...}`` envelopes), long-polls ``getUpdates`` from a queue the
test feeds, serves downloads under ``/file/bot<token>/``, and behaves like Telegram where the adapter must be
careful: an edit with unchanged text is a 400 "message is not modified", and a method can be told to answer
429 with ``parameters.retry_after`` once.

Usage::

    async with FakeBotApi() as api:
        app = build_application(settings_with(api.base_url, api.file_url, api.token), service)
        api.push(api.text_message("hello"))
        call = await api.wait_for("sendMessage")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

#: Parameters the client sends as raw strings (everything else is JSON-encoded by PTB).
STRING_FIELDS = frozenset({
    "text", "caption", "title", "description", "payload", "currency", "provider_token", "parse_mode",
    "callback_query_id", "pre_checkout_query_id", "error_message", "file_id", "telegram_payment_charge_id",
    "secret_token", "url", "language_code", "action", "video", "photo", "document", "thumbnail",
    "start_parameter", "inline_message_id",
})


@dataclass
class Call:
    """One request the client made: the method, its decoded parameters and any uploaded files."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    #: The HTTP status the fake answered with.
    status: int = 200


class FakeBotApi:
    """The Bot API, enough of it for reelbot, held in memory."""

    def __init__(self, token: str = "123456:TEST-token", bot_id: int = 4242, username: str = "reelbot_test_bot",
                 local_dir: Path | None = None):
        self.token = token
        #: Set: play a ``--local`` server on this machine (getFile answers absolute paths, file:// accepted).
        self.local_dir = local_dir
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "reelbot", "username": username}
        self.calls: list[Call] = []
        #: (chat_id, message_id) -> the message as the fake holds it (text edits update it).
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._file_ids = itertools.count(1)
        self._failures: dict[str, list[int]] = {}
        self._refusals: dict[str, list[str]] = {}
        #: (chat id, user id) of the groups' administrators (getChatMember answers "administrator").
        self.chat_admins: set[tuple[int, int]] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------------------
    async def start(self) -> FakeBotApi:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing = True  # ends pending long polls at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what the test controls --------------------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (it gets the next update_id unless it has one, e.g. a replay)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    def fail_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 Too Many Requests."""
        self._failures.setdefault(method, []).extend([retry_after] * times)

    def refuse_next(self, method: str, description: str) -> None:
        """Answer the next call of ``method`` with 400 Bad Request and ``description``, as Telegram refuses."""
        self._refusals.setdefault(method, []).append(description)

    def add_file(self, content: bytes, path: str) -> dict[str, Any]:
        """Store a file users "sent"; returns the fields of a Telegram file object."""
        number = next(self._file_ids)
        file_id = f"file-{number}"
        self.files[file_id] = (content, f"{path.rsplit('/', 1)[0] if '/' in path else 'documents'}/{number}-{path.rsplit('/', 1)[-1]}")
        return {"file_id": file_id, "file_unique_id": f"u{number}", "file_size": len(content)}

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.status == 200]

    async def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, timeout: float = 30.0, count: int = 1
    ) -> Call:
        """Wait until ``count`` successful calls of ``method`` (matching ``predicate``) were made; the last one."""
        async def matched() -> list[Call]:
            return [c for c in self.calls_of(method) if predicate is None or predicate(c)]

        deadline = time.monotonic() + timeout
        async with self._changed:
            while len(found := await matched()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{c.method}:{c.status}" for c in self.calls]
                    raise TimeoutError(f"no {count} x {method} within {timeout}s; calls so far: {seen}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue
        return found[count - 1]

    def pending_updates(self) -> int:
        return len(self._updates)

    # -- update builders ---------------------------------------------------------------------------------------
    def user(self, user_id: int = 1001, name: str = "Ada", language: str = "en") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}

    def chat(self, chat_id: int = 1001, group: bool = False) -> dict[str, Any]:
        if group:
            return {"id": chat_id, "type": "supergroup", "title": "Film club"}
        return {"id": chat_id, "type": "private", "first_name": "Ada"}

    def message(
        self,
        text: str | None = None,
        *,
        user: dict[str, Any] | None = None,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """An incoming message update; commands and @mentions in ``text`` get their entities like Telegram's."""
        user = user or self.user()
        chat = chat or self.chat(user["id"])
        message: dict[str, Any] = {
            "message_id": next(self._counter(chat["id"])),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            key = "caption" if any(k in extra for k in ("photo", "document", "video")) else "text"
            message[key] = text
            entities = _entities(text)
            if entities:
                message[f"{key}_entities" if key == "caption" else "entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def photo_message(self, content: bytes, caption: str | None = None, **kwargs: Any) -> dict[str, Any]:
        small = self.add_file(content[:100], "photos/small.jpg")
        large = self.add_file(content, "photos/large.jpg")
        sizes = [{**small, "width": 90, "height": 60}, {**large, "width": 640, "height": 480}]
        return self.message(caption, photo=sizes, **kwargs)

    def document_message(
        self, content: bytes, file_name: str, mime_type: str, caption: str | None = None, *, size: int | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        document = {**self.add_file(content, f"documents/{file_name}"), "file_name": file_name, "mime_type": mime_type}
        if size is not None:
            document["file_size"] = size
        return self.message(caption, document=document, **kwargs)

    def callback_query(self, data: str, message: dict[str, Any], user: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "callback_query": {
                "id": f"cq{next(self._file_ids)}",
                "from": user or self.user(),
                "chat_instance": "ci",
                "message": message,
                "data": data,
            }
        }

    def pre_checkout_query(self, payload: str, amount: int, user: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "pre_checkout_query": {
                "id": f"pcq{next(self._file_ids)}",
                "from": user or self.user(),
                "currency": "XTR",
                "total_amount": amount,
                "invoice_payload": payload,
            }
        }

    def successful_payment(self, payload: str, amount: int, charge_id: str, **kwargs: Any) -> dict[str, Any]:
        payment = {
            "currency": "XTR",
            "total_amount": amount,
            "invoice_payload": payload,
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": "",
        }
        return self.message(None, successful_payment=payment, **kwargs)

    def sent(self, call: Call) -> dict[str, Any]:
        """The message the fake created for a send call (as it looks now, after edits)."""
        result = call.params["__result__"]
        return self.messages[(result["chat"]["id"], result["message_id"])]

    # -- the HTTP side -----------------------------------------------------------------------------------------
    def _counter(self, chat_id: int) -> itertools.count:
        return self._message_ids.setdefault(chat_id, itertools.count(1))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        for content, path in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=content)
        return web.Response(status=404)

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(method, params, files)
        retry = self._failures.get(method)
        if retry:
            retry_after = retry.pop(0)
            call.status = 429
            self.calls.append(call)
            await self._notify()
            return _error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
        refusal = self._refusals.get(method)
        if refusal:
            call.status = 400
            self.calls.append(call)
            await self._notify()
            return _error(400, f"Bad Request: {refusal.pop(0)}")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            call.status = 404
            self.calls.append(call)
            await self._notify()
            return _error(404, "Not Found: method not found")
        outcome = await handler(params, files)
        if isinstance(outcome, web.Response):
            call.status = outcome.status
            self.calls.append(call)
            await self._notify()
            return outcome
        params["__result__"] = outcome
        self.calls.append(call)
        await self._notify()
        return web.json_response({"ok": True, "result": outcome})

    def _new_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        chat_id = int(chat_id)
        chat = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"}
        message = {"message_id": next(self._counter(chat_id)), "date": int(time.time()), "chat": chat,
                   "from": self.bot, **content}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_getMe(self, params, files):
        return self.bot

    async def _m_deleteWebhook(self, params, files):
        return True

    async def _m_setWebhook(self, params, files):
        return True

    async def _m_setMyCommands(self, params, files):
        return True

    async def _m_sendChatAction(self, params, files):
        return True

    async def _m_answerCallbackQuery(self, params, files):
        return True

    async def _m_answerPreCheckoutQuery(self, params, files):
        return True

    async def _m_refundStarPayment(self, params, files):
        return True

    async def _m_getChatMember(self, params, files):
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if (chat_id, user_id) in self.chat_admins else "member"
        member = {"status": status, "user": self.user(user_id)}
        if status == "administrator":
            member.update({key: False for key in (
                "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
                "can_post_stories", "can_edit_stories", "can_delete_stories")})
        return member

    async def _m_getUpdates(self, params, files):
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while not self._updates and time.monotonic() < deadline and not self._closing:
            await asyncio.sleep(0.02)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _m_sendMessage(self, params, files):
        extra = {"reply_markup": params["reply_markup"]} if params.get("reply_markup") else {}
        return self._new_message(params["chat_id"], text=_visible(params["text"], params), **extra)

    async def _m_editMessageText(self, params, files):
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        text = _visible(params["text"], params)
        if message.get("text") == text and message.get("reply_markup") == params.get("reply_markup"):
            return _error(400, "Bad Request: message is not modified: specified new message content and reply "
                               "markup are exactly the same as a current content and reply markup of the message")
        message["text"] = text
        message["edit_date"] = int(time.time())
        return message

    async def _m_sendVideo(self, params, files):
        video = params.get("video", "")
        if "video" in files or video.startswith("attach://"):
            content = files["video"] if "video" in files else files[video.removeprefix("attach://")]
            number = next(self._file_ids)
            file_id = f"video-{number}"
            self.files[file_id] = (content, f"videos/{number}.mp4")
        elif video.startswith("file://") and self.local_dir is not None:
            content = Path(video.removeprefix("file://")).read_bytes()
            number = next(self._file_ids)
            file_id = f"video-{number}"
            self.files[file_id] = (content, f"videos/{number}.mp4")
        elif video in self.files:
            file_id, content = video, self.files[video][0]
        else:
            return _error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        payload = {
            "file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(content),
            "width": int(params.get("width") or 0), "height": int(params.get("height") or 0),
            "duration": int(params.get("duration") or 0), "mime_type": "video/mp4",
        }
        extra: dict[str, Any] = {"video": payload}
        if params.get("caption"):
            extra["caption"] = _visible(params["caption"], params)
        if params.get("reply_markup"):
            extra["reply_markup"] = params["reply_markup"]
        return self._new_message(params["chat_id"], **extra)

    async def _m_sendInvoice(self, params, files):
        invoice = {"title": params["title"], "description": params["description"], "start_parameter": "",
                   "currency": params["currency"], "total_amount": sum(p["amount"] for p in params["prices"])}
        return self._new_message(params["chat_id"], invoice=invoice)

    async def _m_getFile(self, params, files):
        file_id = params["file_id"]
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        content, path = self.files[file_id]
        if self.local_dir is not None:
            local = self.local_dir / path
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(content)
            path = str(local.resolve())
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(content), "file_path": path}


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Decode form or multipart fields the way the Bot API does (strings raw, the rest JSON)."""
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:
                files[part.name] = bytes(await part.read())
            else:
                params[part.name] = await part.text()
    elif request.content_type == "application/json":
        params = await request.json()
        return params, files
    else:
        params = dict(await request.post())
        params.update(request.query)
    for name, value in list(params.items()):
        if name not in STRING_FIELDS and isinstance(value, str):
            try:
                params[name] = json.loads(value)
            except ValueError:
                pass
    return params, files


def _visible(text: str, params: dict[str, Any]) -> str:
    """What a user sees: HTML parse mode turns entities back into characters (tags are rare in our texts)."""
    if params.get("parse_mode") == "HTML":
        import html

        return html.unescape(re.sub(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>", "", text))
    return text


def _entities(text: str) -> list[dict[str, Any]]:
    entities = []
    for match in re.finditer(r"(?<!\S)/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?|@[A-Za-z0-9_]{3,}", text):
        kind = "bot_command" if match.group(0).startswith("/") else "mention"
        if kind == "bot_command" and match.start() != 0:
            continue
        entities.append({"type": kind, "offset": match.start(), "length": len(match.group(0))})
    return entities


def _error(code: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
