"""Provenance: the tags written at the one encode come back from the file, and the watermark sits in its corner."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media import encode_mp4, probe
from engine.media.provenance import clip_metadata, read_metadata
from engine.media.watermark import draw_watermark


def _frames(count: int = 8, height: int = 64, width: int = 96, value: int = 90) -> np.ndarray:
    return np.full((count, height, width, 3), value, dtype=np.uint8)


def test_an_encoded_clip_carries_tool_model_seed_job_and_creation_time(tmp_path):
    created = datetime(2026, 12, 2, 19, 0, 0, tzinfo=UTC)
    tags = clip_metadata(model="Lightricks/LTX-Video", seed=1234, job_id=42, variation=1, created=created)
    path = encode_mp4(_frames(), tmp_path / "clip.mp4", 8, metadata=tags)
    assert read_metadata(path) == {"tool": "reelbot", "model": "Lightricks/LTX-Video", "seed": "1234", "job_id": "42",
                                   "variation": "1", "creation_time": "2026-12-02T19:00:00.000000Z"}
    assert probe(path).frames == 8


def test_tags_survive_the_size_limited_re_encodes(tmp_path):
    noise = np.random.default_rng(0).integers(0, 255, (24, 64, 64, 3), dtype=np.uint8)
    path = encode_mp4(noise, tmp_path / "clip.mp4", 8, max_bytes=60_000, metadata=clip_metadata(model="m", seed=1))
    assert path.stat().st_size <= 60_000
    assert read_metadata(path)["seed"] == "1"


def test_a_file_without_tags_reads_as_none_of_reelbots_and_a_non_video_is_refused(tmp_path):
    plain = encode_mp4(_frames(), tmp_path / "plain.mp4", 8)
    assert "tool" not in read_metadata(plain)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    with pytest.raises(MediaError):
        read_metadata(junk)


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
def test_the_watermark_is_drawn_only_in_its_corner(corner):
    frames = _frames(count=2)
    marked = draw_watermark(frames, "reelbot", corner=corner)
    changed = np.argwhere((marked[0] != frames[0]).any(axis=-1))
    assert len(changed) > 20
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    height, width = frames.shape[1:3]
    assert (bottom < height / 2) if corner.startswith("top") else (top > height / 2)
    assert (right < width / 2) if corner.endswith("left") else (left > width / 2)
    assert np.array_equal(marked[0], marked[1])  # the same mark on every frame


def test_the_watermark_is_white_text_with_a_dark_outline_so_it_reads_on_any_scene():
    for value in (10, 245):
        frames = _frames(count=1, height=128, width=256, value=value)
        marked = draw_watermark(frames, "reelbot")
        assert marked.max() >= 200 and marked.min() <= 60


def _mask(marked: np.ndarray, frames: np.ndarray) -> np.ndarray:
    return (marked[0] != frames[0]).any(axis=-1)


def test_a_chinese_mark_is_drawn_in_an_installed_cjk_font_not_as_boxes():
    from pathlib import Path

    from engine.media.watermark import CJK_FONTS

    if not any(Path(font).is_file() for font in CJK_FONTS):
        pytest.skip("no CJK font installed (.ci/run installs fonts-wqy-zenhei)")
    frames = _frames(count=1, height=128, width=256)
    # In Pillow's own font every ideograph is the same empty box: two different words would mark alike.
    first, second = (_mask(draw_watermark(frames, word), frames) for word in ("中文水印", "视频生成"))
    assert first.sum() > 50 and not np.array_equal(first, second)


def test_the_mark_is_drawn_in_the_font_file_given_and_a_missing_one_is_refused_by_name(tmp_path):
    from pathlib import Path

    from pydantic import ValidationError

    from engine.options import MediaOptions

    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")
    if not dejavu.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    frames = _frames(count=1, height=128, width=256)
    own, serif = (_mask(draw_watermark(frames, "reelbot", font=font), frames) for font in (None, dejavu))
    assert not np.array_equal(own, serif)
    assert MediaOptions(watermark="reelbot", watermark_font=str(dejavu)).watermark_font == dejavu
    with pytest.raises(ValidationError, match="(?s)watermark_font.*no font file at"):
        MediaOptions(watermark_font=str(tmp_path / "missing.ttf"))
