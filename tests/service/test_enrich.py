from __future__ import annotations

import json
import random
from pathlib import Path

from storyline import service
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article


def _store(tmp_path: Path, name: str, count: int) -> SQLiteStore:
    rng = random.Random(5)
    path = tmp_path / "in.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"Mayor Anna Kent of Millbrook said on Monday that {i + 10} families left. "
            handle.write(
                json.dumps(
                    {
                        "id": f"d{i:03d}",
                        "text": text + synthetic_article(rng, 40),
                        "published": "2021-06-08",
                    }
                )
                + "\n"
            )
    store = SQLiteStore(tmp_path / name)
    settings = load_settings({"ingest.workers": 1, "enrich.on_ingest": False}, environ={})
    service.ingest(store, [str(path)], settings)
    return store


def test_worker_processes_enrich_like_the_main_process(tmp_path: Path) -> None:
    one = _store(tmp_path, "one.db", 140)
    two = _store(tmp_path, "two.db", 140)
    serial = load_settings({"enrich.workers": 1, "enrich.batch_size": 16}, environ={})
    parallel = serial.with_overrides({"enrich.workers": 2})
    assert service.enrich(one, serial).articles == 140
    report = service.enrich(two, parallel)
    assert report.articles == 140
    assert set(report.stage_seconds) >= {"spacy", "entities", "timex", "quotes", "store"}
    for article_id in ("d000", "d077", "d139"):
        assert one.get_enrichment(article_id) == two.get_enrichment(article_id)
    assert one.unenriched_ids(10) == [] and two.unenriched_ids(10) == []
    kent = [e for e in two.all_entities() if e.name == "Anna Kent"]
    assert len(kent) == 1
    times = two.get_enrichment("d010")
    assert times is not None and any(t.value == "2021-06-07" for t in times.times)
