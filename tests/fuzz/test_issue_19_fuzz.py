"""Issue 19: the fuzz corpus through the real CLI -- 0 crashes, 0 hangs, every input
stored or rejected with its origin, the store intact, nothing left half-done.

The default run is small (250 inputs, two batches); ``pytest -m bench`` runs the full
10,000 (figures in docs/benchmarks.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fuzz.generate import KINDS, generate
from tests.fuzz.run import FuzzReport, run_fuzz


def _check(report: FuzzReport, count: int) -> None:
    assert report.failures == []
    assert report.crashes == 0 and report.hangs == 0
    assert report.inputs >= count
    assert report.unaccounted == 0
    assert report.integrity == "ok"
    assert report.stored > 0 and report.rejected > 0
    assert report.enriched == report.stored and report.placed == report.stored
    assert report.pending == 0


def test_the_generator_is_deterministic_and_covers_every_kind(tmp_path: Path) -> None:
    count = len(KINDS) + 3
    one = generate(tmp_path / "one", count, seed=5)
    two = generate(tmp_path / "two", count, seed=5)
    names = sorted(os.listdir(os.fsencode(one[0])))
    assert names == sorted(os.listdir(os.fsencode(two[0])))
    for name in names:
        a, b = one[0] / os.fsdecode(name), two[0] / os.fsdecode(name)
        if a.is_file() and not a.is_symlink():
            assert a.read_bytes() == b.read_bytes()
    kinds = {os.fsdecode(n).split("-", 1)[1].split(".")[0] for n in names if n[:1].isdigit()}
    assert {"valid", "mutated", "deep", "entities", "bad", "zalgo", "mega"} <= {
        k.split("-")[0] for k in kinds
    }


def test_fuzz_small(tmp_path: Path) -> None:
    report = run_fuzz(tmp_path, 250, settings={"enrich.max_chars": "50000"})
    _check(report, 250)


@pytest.mark.bench
def test_fuzz_full(tmp_path: Path) -> None:
    report = run_fuzz(tmp_path, 10_000)
    _check(report, 10_000)
