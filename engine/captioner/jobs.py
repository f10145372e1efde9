"""Captions as small jobs of their own: a JSON-able request in, a result (or a refusal code) out.

``run_caption`` never raises for a bad image: like a video job, the outcome is data (``error_code`` is a
:class:`MediaError` code the bot already words in the user's language). ``CaptionJobs`` runs requests one at a
time on a single thread that owns the warm captioner, so it can live in the worker process beside the video model
and be awaited from asyncio code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.captioner.model import Captioner
from engine.errors import EngineError

log = logging.getLogger(__name__)


class CaptionRequest(BaseModel):
    """Caption the image at ``image_path`` in ``lang``."""

    model_config = ConfigDict(frozen=True)

    image_path: str
    lang: Literal["en", "zh"] = "en"


class CaptionResult(BaseModel):
    """The card text and its language, or why there is none (``error_code`` set, ``caption`` empty)."""

    model_config = ConfigDict(frozen=True)

    caption: str = ""
    lang: str = "en"
    seconds: float = 0.0
    error_code: str | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


def run_caption(request: CaptionRequest, captioner: Captioner, *, limits: object | None = None) -> CaptionResult:
    """Decode the image with the upload checks, caption it, and report either the text or the refusal."""
    from engine.media.decode import load_image

    try:
        caption = captioner.caption(load_image(request.image_path, limits), request.lang)
    except EngineError as exc:
        return CaptionResult(lang=request.lang, error_code=exc.code, error_message=str(exc))
    return CaptionResult(caption=caption.text, lang=caption.lang, seconds=caption.seconds)


class CaptionJobs:
    """One thread, one warm captioner (loaded by ``factory`` on the first job), requests run in order."""

    def __init__(self, factory: Callable[[], Captioner], *, limits: object | None = None) -> None:
        self._factory = factory
        self._limits = limits
        self._captioner: Captioner | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="captioner")

    def _run(self, request: CaptionRequest) -> CaptionResult:
        if self._captioner is None:
            self._captioner = self._factory()
        return run_caption(request, self._captioner, limits=self._limits)

    def submit(self, request: CaptionRequest) -> Future[CaptionResult]:
        """Queue ``request``; the future holds its result."""
        return self._pool.submit(self._run, request)

    async def caption(self, request: CaptionRequest) -> CaptionResult:
        """Await ``request`` from asyncio code without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(request))

    def close(self) -> None:
        """Finish the queued requests and stop the thread."""
        self._pool.shutdown(wait=True)
