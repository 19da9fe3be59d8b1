"""Issue 20: the scaling bench's store: term-substituted copies that ingest stores as
articles of their own, the replay's placements written, ingest and story-page figures;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from storyline.bench import run_bench
from storyline.bench.scaling_store import copy_text, shifted
from storyline.ingest.dedupe import fingerprint, similarity
from storyline.settings import Settings
from tests.conftest import synthetic_article

TEXT = (
    "An earthquake of magnitude 7 shook the coastal province of Miyagi on Monday, and "
    "Governor Anna Kent said rescuers searched the rubble of Sendai for survivors while "
    "aftershocks rattled the region and the Red Cross opened shelters for families."
)


def test_copies_are_other_news_not_near_duplicates() -> None:
    assert copy_text(TEXT, 0) == TEXT
    copy = copy_text(TEXT, 3)
    assert "Miyagi-3" in copy and "Kent-3" in copy and "Miyagi " not in copy
    a, b = (fingerprint(t, threshold=0.8, num_perm=128) for t in (TEXT, copy))
    assert similarity(a.signature, b.signature) < 0.8  # ingest stores it as an original
    assert shifted("2021-05-01", 400) == "2022-06-05"
    assert shifted("2021-05-01T09:00:00", 1) == "2021-05-02T09:00:00"
    assert shifted(None, 5) is None


def _records(path: Path) -> None:
    records = [
        {
            "id": f"s{i}",
            "title": f"Quake report {i}",
            "text": TEXT + " " + synthetic_article(random.Random(i), 60),
            "published": f"2021-05-0{1 + i}",
            "source": "Wire",
            "url": None,
            "event": "quake",
            "story": None,
        }
        for i in range(4)
    ]
    (path / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_scaling_builds_a_store_and_times_it(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    _records(tmp_path)
    db = request.getfixturevalue("pg_url") if backend == "postgres" else ""
    settings = Settings().with_overrides(
        {
            "enrich.workers": 1,
            "ingest.workers": 1,
            "bench.scale_max": 120,
            "bench.scale_store": 80,
            "bench.scale_ingest": 0,  # the set's 4 articles ingested, the 76 copies filled
            "bench.scale_db": db,
        }
    )
    result = run_bench("scaling", tmp_path, settings)
    store = result["store"]
    assert store["backend"] == ("postgresql" if db else "sqlite")
    assert store["stored_articles"] == 80 and store["duplicates"] == 0
    assert store["ingested_articles"] == 4 and store["filled_articles"] == 76
    assert store["ingest_articles_per_second"] > 0
    assert store["stories_stored"] >= 1
    for page in store["story_page"].values():
        assert page["p50_ms"] > 0 and page["story_articles"] >= 1
        assert page["errors"] == 0 and page["requests"] == 300
    assert result["clusterer_mb"] >= 0
