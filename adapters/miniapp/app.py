"""HTTP -> the core for the Telegram Mini App: the page at ``/app/`` and its JSON API under ``/app/api/``.

``build_miniapp`` returns an aiohttp sub-application for the bot's one HTTP server to mount at ``/app/``;
``miniapp_mount(service, settings)`` is that mount as the server's start-up takes it. Every API request must
carry Telegram's init data in ``Authorization: tma <initData>``; a missing, forged or stale one gets 401 before any handler runs, so it
touches nothing. Handlers translate JSON to :class:`adapters.miniapp.core.BoardDesk` calls and back; a
:class:`bot.errors.UserError` becomes 400 with the user's words in their language, anything else 500 with the
generic apology (and a log line), never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.miniapp.core import BoardDesk
from adapters.miniapp.initdata import DEFAULT_MAX_AGE_S, InitData, InvalidInitData, validate
from bot.errors import UserError
from bot.i18n import language_of, t

_LOG = logging.getLogger(__name__)

#: The page, its script and style: plain files shipped inside the package, no build step.
STATIC_DIR = Path(__file__).parent / "static"
#: Where the API lives inside the sub-application (mounted at ``/app/``).
API_PREFIX = "/api/"
#: Largest picture accepted for an image card, before the core's own checks.
MAX_IMAGE_BYTES = 20 * 2**20
#: aiohttp keys for what the sub-application carries.
DESK = web.AppKey("desk", BoardDesk)
WHO = web.RequestKey("who", InitData)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_miniapp(desk: BoardDesk, *, bot_token: str, max_age_s: int = DEFAULT_MAX_AGE_S) -> web.Application:
    """The Mini App as an aiohttp sub-application; ``bot_token`` is the key Telegram signs init data with."""
    app = web.Application(middlewares=[_authenticate(bot_token, max_age_s), _errors], client_max_size=MAX_IMAGE_BYTES)
    app[DESK] = desk
    app.router.add_get("/", page)
    app.router.add_static("/static/", STATIC_DIR, append_version=True)
    app.router.add_get("/api/me", me)
    app.router.add_get("/api/board", board)
    app.router.add_post("/api/board/cards", add_card)
    app.router.add_post("/api/board/image-cards", add_image_card)
    app.router.add_patch("/api/board/cards/{at}", change_card)
    app.router.add_delete("/api/board/cards/{at}", remove_card)
    app.router.add_put("/api/board/shape", set_shape)
    app.router.add_get("/api/board/quote", quote)
    app.router.add_post("/api/board/render", render)
    return app


def miniapp_mount(service: Any, settings: Any) -> Callable[[web.Application], None]:
    """What the bot's HTTP server mounts: the Mini App at ``/app/``, when Telegram is configured (init data is
    signed with the bot's token, so without one nobody could be verified and nothing is mounted)."""

    def mount(root: web.Application) -> None:
        if settings.telegram_bot_token is None:
            return
        miniapp = build_miniapp(
            BoardDesk(service),
            bot_token=settings.telegram_bot_token.get_secret_value(),
            max_age_s=settings.miniapp.max_age_s,
        )
        root.add_subapp("/app/", miniapp)

    return mount


# -- middleware ---------------------------------------------------------------------------------------------------


def _is_api(request: web.Request) -> bool:
    """Anything under this sub-application's ``api/`` (an unknown API path too: 401 before 404)."""
    return API_PREFIX in request.path


def _authenticate(bot_token: str, max_age_s: int):
    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Only verified init data gets past here to an API handler."""
        if not _is_api(request):
            return await handler(request)
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "tma":
                raise InvalidInitData("no 'tma' authorization")
            request[WHO] = validate(raw.strip(), bot_token, max_age_s=max_age_s)
        except InvalidInitData as exc:
            _LOG.info("mini app request to %s refused: %s", request.path, exc)
            return web.json_response({"error": "unauthorized"}, status=401)
        return await handler(request)

    return authenticate


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    who: InitData | None = request.get(WHO)
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except UserError as error:
        text = request.app[DESK].error_text(error, who)
        return web.json_response({"error": error.code, "message": text}, status=400)
    except Exception:  # noqa: BLE001  (a user never sees a traceback)
        _LOG.exception("mini app request to %s failed", request.path)
        lang = language_of("", who.language_code if who else None)
        return web.json_response({"error": "internal_error", "message": t("internal_error", lang)}, status=500)


# -- the page -----------------------------------------------------------------------------------------------------


async def page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


# -- the API ------------------------------------------------------------------------------------------------------


async def me(request: web.Request) -> web.Response:
    return web.json_response(asdict(await request.app[DESK].me(request[WHO])))


async def board(request: web.Request) -> web.Response:
    return web.json_response((await request.app[DESK].board(request[WHO])).to_json())


async def add_card(request: web.Request) -> web.Response:
    body = await _json(request)
    view = await request.app[DESK].add_card(request[WHO], _number(body, "at"), _text(body, "prompt"))
    return web.json_response(view.to_json(), status=201)


async def add_image_card(request: web.Request) -> web.Response:
    """``multipart/form-data`` with ``at``, ``prompt`` (optional) and ``image``."""
    desk = request.app[DESK]
    fields: dict[str, str] = {}
    image: tuple[bytes, str] | None = None
    async for part in await request.multipart():
        if part.name == "image":
            image = (await part.read(decode=False), part.filename or "image")
        elif part.name in ("at", "prompt"):
            fields[part.name] = await part.text()
    if image is None:
        raise UserError("invalid_request", reason="send a picture for the card")
    try:
        at = float(fields.get("at", ""))
    except ValueError:
        raise UserError("invalid_request", reason="a card's time must be a number of seconds from 0") from None
    path = await desk.store_image(request[WHO], image[0], image[1])
    view = await desk.add_card(request[WHO], at, fields.get("prompt", ""), image=path)
    return web.json_response(view.to_json(), status=201)


async def change_card(request: web.Request) -> web.Response:
    body = await _json(request)
    to = _number(body, "to") if "to" in body else None
    prompt = _text(body, "prompt") if "prompt" in body else None
    view = await request.app[DESK].change_card(request[WHO], _path_time(request), to=to, prompt=prompt)
    return web.json_response(view.to_json())


async def remove_card(request: web.Request) -> web.Response:
    view = await request.app[DESK].remove_card(request[WHO], _path_time(request))
    return web.json_response(view.to_json())


async def set_shape(request: web.Request) -> web.Response:
    body = await _json(request)
    duration = body.get("duration_s")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)):
        raise UserError("invalid_request", reason="duration must be whole seconds")
    view = await request.app[DESK].set_shape(
        request[WHO], aspect=body.get("aspect"), resolution=body.get("resolution"), duration_s=duration
    )
    return web.json_response(view.to_json())


async def quote(request: web.Request) -> web.Response:
    view = await request.app[DESK].board(request[WHO])
    return web.json_response({"price": view.price, "balance": view.balance})


async def render(request: web.Request) -> web.Response:
    rendered = await request.app[DESK].render(request[WHO])
    return web.json_response(asdict(rendered), status=202)


# -- parsing ------------------------------------------------------------------------------------------------------


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise UserError("invalid_request", reason="the request body is not JSON") from None
    if not isinstance(body, dict):
        raise UserError("invalid_request", reason="the request body is not a JSON object")
    return body


def _number(body: dict[str, Any], key: str) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError("invalid_request", reason=f"{key} must be a number of seconds")
    return float(value)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise UserError("invalid_request", reason=f"{key} must be text")
    return value


def _path_time(request: web.Request) -> float:
    try:
        return float(request.match_info["at"])
    except ValueError:
        raise UserError("invalid_request", reason="a card's time must be a number of seconds from 0") from None
