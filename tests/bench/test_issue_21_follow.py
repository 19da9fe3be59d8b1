"""Issue 21: ``storyline bench follow`` on a few generated pages (the figure in
docs/benchmarks.md comes from the Scrapinghub pages)."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from storyline.bench import run_bench
from storyline.errors import BenchError
from storyline.settings import Settings
from tests.conftest import synthetic_article


def test_bench_follow_reads_pages_then_gets_304_then_one_new_item(tmp_path: Path) -> None:
    rng = random.Random(3)
    for number in range(4):
        body = "".join(f"<p>{synthetic_article(rng, 60)}</p>" for _ in range(3))
        page = f"<html><head><title>Page {number}</title></head><body><article>{body}</article>"
        (tmp_path / f"{number}.html.gz").write_bytes(gzip.compress(page.encode()))
    settings = Settings().with_overrides({"enrich.on_ingest": False, "ingest.workers": 1})
    result = run_bench("follow", tmp_path, settings)
    assert result["items"] == 3 and result["first_poll"]["stored"] == 3
    assert result["not_modified_poll"] == result["not_modified_poll"] | {
        "not_modified": True,
        "stored": 0,
    }
    assert result["one_new_item_poll"]["stored"] == 1
    assert result["requests"]["p"] == 4  # each page fetched once


def test_bench_follow_needs_pages(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="fewer than two"):
        run_bench("follow", tmp_path, Settings())
