"""engine.media: encoding that plays everywhere and fits a limit; uploads refused with clear errors."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media import MediaLimits, encode_mp4, load_image, load_video, probe, thumbnail


def _noise(frames=24, size=(320, 240), seed=0) -> np.ndarray:
    width, height = size
    return np.random.default_rng(seed).integers(0, 256, (frames, height, width, 3), dtype=np.uint8)


def test_an_encoded_clip_is_h264_yuv420p_with_exact_size_frames_and_fps(tmp_path):
    path = encode_mp4(_noise(30, (128, 96)), tmp_path / "clip.mp4", fps=30)
    info = probe(path)
    assert (info.codec, info.pix_fmt, info.width, info.height, info.frames, info.fps) == (
        "h264", "yuv420p", 128, 96, 30, 30.0
    )
    assert abs(info.duration_s - 1.0) <= 1 / 30


def test_the_moov_atom_comes_first_so_players_start_before_the_download_ends(tmp_path):
    data = encode_mp4(_noise(12, (64, 64)), tmp_path / "clip.mp4", fps=12).read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")


def test_a_clip_encoded_for_a_1_mb_limit_comes_out_under_1_mb(tmp_path):
    frames = _noise(36, (640, 360))  # pure noise: the hardest content to compress
    unlimited = encode_mp4(frames, tmp_path / "free.mp4", fps=24)
    limited = encode_mp4(frames, tmp_path / "limited.mp4", fps=24, max_bytes=1_000_000)
    assert unlimited.stat().st_size > 1_000_000
    assert limited.stat().st_size <= 1_000_000
    assert probe(limited).frames == 36


def test_an_impossible_size_limit_is_refused_clearly(tmp_path):
    with pytest.raises(MediaError) as caught:
        encode_mp4(_noise(48, (320, 240)), tmp_path / "tiny.mp4", fps=24, max_bytes=2_000)
    assert caught.value.code == "too_large"


def test_a_thumbnail_is_a_small_jpeg(tmp_path):
    clip = encode_mp4(_noise(4, (640, 360)), tmp_path / "clip.mp4", fps=24)
    jpeg = thumbnail(clip, tmp_path / "thumb.jpg", max_side=160)
    assert jpeg.read_bytes()[:2] == b"\xff\xd8"
    assert load_image(jpeg).size == (160, 90)


def test_a_text_file_named_jpg_is_refused_as_unreadable(tmp_path):
    fake = tmp_path / "cat.jpg"
    fake.write_text("this is not a picture\n")
    with pytest.raises(MediaError) as caught:
        load_image(fake)
    assert caught.value.code == "unreadable_image"
    assert "not an image" in str(caught.value)


def _png_header_only(path, width, height):
    """A valid PNG header claiming ``width``x``height`` (the pixels are never decoded)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    return path


def test_a_20000_by_20000_png_is_refused_before_decoding(tmp_path):
    bomb = _png_header_only(tmp_path / "bomb.png", 20_000, 20_000)
    with pytest.raises(MediaError) as caught:
        load_image(bomb)
    assert caught.value.code == "too_large"
    assert "pixels" in str(caught.value)


def test_a_truncated_mp4_is_refused_as_unreadable(tmp_path):
    data = encode_mp4(_noise(48, (160, 120)), tmp_path / "clip.mp4", fps=24).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError) as caught:
        load_video(cut)
    assert caught.value.code == "unreadable_video"


def test_a_five_minute_video_is_refused_as_too_long(tmp_path):
    long = encode_mp4(np.zeros((300, 16, 16, 3), np.uint8), tmp_path / "long.mp4", fps=1)
    with pytest.raises(MediaError) as caught:
        load_video(long, MediaLimits(max_video_seconds=60))
    assert caught.value.code == "too_long"
    assert "300 s" in str(caught.value)


def test_videos_over_the_byte_or_pixel_limits_are_refused(tmp_path):
    clip = encode_mp4(_noise(4, (320, 240)), tmp_path / "clip.mp4", fps=24)
    with pytest.raises(MediaError, match="MB") as too_big:
        load_video(clip, MediaLimits(max_upload_bytes=100))
    with pytest.raises(MediaError, match="320x240") as too_wide:
        load_video(clip, MediaLimits(max_video_pixels=320 * 200))
    assert too_big.value.code == too_wide.value.code == "too_large"


def test_a_good_upload_decodes_to_rgb_frames(tmp_path):
    frames = np.full((10, 64, 96, 3), 128, np.uint8)
    loaded = load_video(encode_mp4(frames, tmp_path / "clip.mp4", fps=10), size=(48, 32))
    assert loaded.frames.shape == (10, 32, 48, 3)
    assert loaded.fps == 10.0
    assert abs(float(loaded.frames.mean()) - 128) < 3
