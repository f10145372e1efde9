"""The media store keeps files under its root; importing the engine's contracts never imports torch."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.store import LocalMediaStore


def test_the_store_hands_out_fresh_paths_and_keys_that_resolve_back(tmp_path):
    store = LocalMediaStore(tmp_path / "media")
    first, second = store.new_path(".mp4"), store.new_path(".mp4")
    assert first != second and first.parent.is_dir()
    first.write_bytes(b"clip")
    key = store.put(first)
    assert store.path_for(key) == first.resolve()
    outside = tmp_path / "upload.mp4"
    outside.write_bytes(b"upload")
    assert store.path_for(store.put(outside)).read_bytes() == b"upload"


def test_a_key_cannot_escape_the_store(tmp_path):
    with pytest.raises(ValueError):
        LocalMediaStore(tmp_path).path_for("../../etc/passwd")


def test_importing_engine_specs_and_events_does_not_import_torch():
    code = "import sys, engine, engine.specs, engine.events, engine.errors, engine.options; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
