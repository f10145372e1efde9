"""Benchmarks (``make bench``): each ``bench/bench_*.py`` has ``run() -> dict`` and gets ``bench/NAME.json``.

Figures are ratios against a baseline measured in the same run, so machines of different speed compare.
"""
