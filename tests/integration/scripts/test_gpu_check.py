"""``scripts/gpu_check.py`` for every family, in its ``--tiny`` CPU mode (the full-size run needs a GPU)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "gpu_check.py"


@pytest.mark.slow  # a fresh interpreter importing torch and diffusers: ~15-30 s on two shared cores
@pytest.mark.parametrize("family", ["ltx", "ltx2", "wan"])
def test_gpu_check_reports_step_time_and_the_batching_gain_of_each_family(family, tmp_path):
    out = tmp_path / "report.json"
    result = subprocess.run([sys.executable, str(SCRIPT), "--family", family, "--tiny", "--steps", "1", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["family"] == family and report["parameters"] > 0
    (tier,) = report["results"]
    assert tier["tier"] == "480p" and tier["tokens"] > 0 and tier["seconds_per_step"] > 0
    batching = report["batching"]
    assert batching["jobs"] == 8 and batching["batched_jobs_per_minute"] > 0 and batching["gain"] > 0

