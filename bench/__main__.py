"""Run every benchmark (or those named on the command line) and write its JSON result beside it."""

from __future__ import annotations

import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(names: list[str]) -> int:
    modules = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    chosen = [m for m in modules if not names or m.removeprefix("bench_") in names or m in names]
    failed = 0
    for name in chosen:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            result = importlib.import_module(f"bench.{name}").run()
        except Exception as exc:  # noqa: BLE001  (one broken benchmark must not hide the others)
            failed += 1
            print(f"   failed: {exc!r}", flush=True)
            continue
        result = {
            "benchmark": name.removeprefix("bench_"),
            "machine": {"python": platform.python_version(), "processor": platform.machine()},
            "wall_s": round(time.perf_counter() - started, 2),
            **result,
        }
        out = HERE / f"{name.removeprefix('bench_')}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(result, indent=2, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
