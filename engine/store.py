"""Where finished clips live. Local disk under ``REELBOT_MEDIA_DIR`` now; an object store can slot in later."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Protocol


class MediaStore(Protocol):
    """Keys are opaque relative names; ``path_for`` gives a local file the bot can send."""

    def new_path(self, suffix: str) -> Path: ...

    def path_for(self, key: str) -> Path: ...

    def put(self, path: Path | str) -> str: ...


class LocalMediaStore:
    """Files under ``root``, spread over two-letter folders so no folder grows huge."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def new_path(self, suffix: str) -> Path:
        """A fresh, unused path inside the store (its folder exists)."""
        name = uuid.uuid4().hex
        path = self.root / name[:2] / f"{name}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def path_for(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"media key {key!r} points outside the store")
        return path

    def key_for(self, path: Path | str) -> str:
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()

    def put(self, path: Path | str) -> str:
        """Store a file (moved if it is already inside the store's root, copied otherwise); returns its key."""
        path = Path(path)
        if path.resolve().is_relative_to(self.root.resolve()):
            return self.key_for(path)
        target = self.new_path(path.suffix)
        shutil.copyfile(path, target)
        return self.key_for(target)
