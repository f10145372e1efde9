"""Caption calls through the queue: the bot asks, the process that holds the video model answers.

Both queue modes offer ``caption(request, timeout_s=...)`` and never raise for a caption that could not be
made: a slow or broken captioner becomes a :class:`~engine.captioner.jobs.CaptionResult` with an
``error_code`` (``caption_timeout`` or ``caption_failed``), so a storyboard card simply keeps an empty text.
"""

from __future__ import annotations

from engine.captioner.jobs import CaptionRequest, CaptionResult

#: Seconds the bot waits for a caption (the first one also loads the captioner where the video model runs).
CAPTION_TIMEOUT_S = 60.0


def timed_out(request: CaptionRequest, timeout_s: float) -> CaptionResult:
    """No answer in time: the card keeps an empty text."""
    return CaptionResult(lang=request.lang, error_code="caption_timeout",
                         error_message=f"no caption within {timeout_s:g} s")


def failed(request: CaptionRequest, error: BaseException) -> CaptionResult:
    """The captioner itself failed (it would not load, or raised): the card keeps an empty text."""
    return CaptionResult(lang=request.lang, error_code="caption_failed", error_message=str(error) or type(error).__name__)
