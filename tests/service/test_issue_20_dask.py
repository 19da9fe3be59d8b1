"""Issue 20: ingest and enrich on a real Dask cluster (a ``dask scheduler`` and two
``dask worker`` processes): the same articles and enrichments as on this machine's own
processes, bounded batches, the model loaded once per worker, failures retried and then
recorded as rejections."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from storyline import service
from storyline.errors import ClusterError
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article, write_jsonl

pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is absent")

from storyline.service.dask_pool import DaskPool, TaskFailure

BASE = {"ingest.workers": 1, "enrich.on_ingest": False, "enrich.workers": 1}


def _rows(store: SQLiteStore) -> list[tuple[Any, ...]]:
    conn = store._conn
    return conn.execute(
        "SELECT id, seq, text, duplicate_of, content_hash FROM articles ORDER BY seq"
    ).fetchall()


def test_ingest_on_dask_stores_what_local_ingest_stores(
    tmp_path: Path, dask_scheduler: str
) -> None:
    (tmp_path / "in").mkdir()
    records = write_jsonl(tmp_path / "in" / "a.jsonl", 120)
    # syndicated copies, so that dedupe decisions depend on the order of arrival
    with (tmp_path / "in" / "a.jsonl").open("a", encoding="utf-8") as handle:
        for i, published in ((3, "2019-12-31"), (50, "2020-03-01"), (90, "2020-03-02")):
            copy = dict(records[i], id=f"copy-{i}", published=published)
            handle.write(json.dumps(copy) + "\n")
        handle.write("{not json\n")
    local, remote = SQLiteStore(tmp_path / "local.db"), SQLiteStore(tmp_path / "remote.db")
    inputs = [str(tmp_path / "in")]
    here = service.ingest(local, inputs, load_settings(BASE, environ={}))
    settings = load_settings({**BASE, "dask.scheduler": dask_scheduler}, environ={})
    there = service.ingest(remote, inputs, settings)
    assert (there.added, there.duplicates, len(there.rejected)) == (123, 2, 1)
    assert (here.added, here.duplicates, here.rejected) == (
        there.added,
        there.duplicates,
        there.rejected,
    )
    assert _rows(local) == _rows(remote)


def _write_reports(path: Path, count: int) -> None:
    rng = random.Random(5)
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


def test_enrich_on_dask_gives_the_same_enrichments_and_loads_the_model_once_per_worker(
    tmp_path: Path, dask_scheduler: str
) -> None:
    _write_reports(tmp_path / "in.jsonl", 150)
    stores = [SQLiteStore(tmp_path / "local.db"), SQLiteStore(tmp_path / "remote.db")]
    for store in stores:
        service.ingest(store, [str(tmp_path / "in.jsonl")], load_settings(BASE, environ={}))
    here = service.enrich(stores[0], load_settings(BASE, environ={}))
    settings = load_settings({**BASE, "dask.scheduler": dask_scheduler}, environ={})
    seen: list[int] = []
    there = service.enrich(stores[1], settings, progress=lambda done, _: seen.append(done))
    assert here.articles == there.articles == 150 and there.rejected == ()
    assert seen == sorted(seen) and len(seen) >= 2 and seen[-1] == 150  # progress, in chunks
    for article_id in ("d000", "d077", "d149"):
        assert stores[0].get_enrichment(article_id) == stores[1].get_enrichment(article_id)
    assert stores[0].all_entities() == stores[1].all_entities()
    from distributed import Client

    def loads() -> tuple[int, int]:
        from storyline.enrich.nlp import load_nlp

        info = load_nlp.cache_info()
        return info.misses, info.hits

    with Client(dask_scheduler, set_as_default=False) as client:
        per_worker = list(client.run(loads).values())
    assert len(per_worker) == 2
    # every worker loaded a model no more often than it has distinct models, and reused it
    assert all(misses <= 2 for misses, _ in per_worker)
    assert sum(hits for _, hits in per_worker) >= 1


def test_a_task_failing_on_every_try_is_recorded_as_rejections_never_lost(
    tmp_path: Path, dask_scheduler: str
) -> None:
    _write_reports(tmp_path / "in.jsonl", 70)
    store = SQLiteStore(tmp_path / "s.db")
    service.ingest(store, [str(tmp_path / "in.jsonl")], load_settings(BASE, environ={}))
    settings = load_settings(
        {**BASE, "dask.scheduler": dask_scheduler, "enrich.model": "no_such_spacy_model"},
        environ={},
    )
    report = service.enrich(store, settings)
    assert report.articles == 0
    assert sorted(r.origin.split()[1] for r in report.rejected) == [f"d{i:03d}" for i in range(70)]
    assert report.rejected[0].origin.startswith("article d000 (")  # id and where it came from
    assert "after 3 tries" in report.rejected[0].reason
    assert "no_such_spacy_model" in report.rejected[0].reason
    assert len(store.rejections()) == 70  # recorded in the store, with their reasons
    assert len(store.unenriched_ids(100)) == 70  # still there for a later run


def _flaky(marker: str, value: int) -> int:
    """Fails the first time it runs for ``value`` (a file records the try)."""
    path = Path(marker) / f"{value}.tried"
    if not path.exists():
        path.write_text("1")
        raise RuntimeError(f"first try of {value} fails")
    return value * 10


def _broken(value: int) -> int:
    if value == 3:
        raise ValueError("three is refused")
    return value


def test_map_ordered_retries_keeps_the_order_and_bounds_the_window(
    tmp_path: Path, dask_scheduler: str
) -> None:
    pulled: list[int] = []

    def jobs(count: int) -> Any:
        for i in range(count):
            pulled.append(i)
            yield i, (str(tmp_path), i)

    with DaskPool[int, int](dask_scheduler, retries=1) as pool:
        assert pool.threads() == 2
        results = []
        for kept, outcome in pool.map_ordered(_flaky, jobs(12), window=3):
            results.append((kept, outcome))
            assert len(pulled) <= kept + 1 + 3  # never more than the window ahead
        assert results == [(i, i * 10) for i in range(12)]
    with DaskPool[int, int](dask_scheduler, retries=0) as pool:
        out = dict(pool.map_ordered(_broken, ((i, (i,)) for i in range(5))))
    assert isinstance(out[3], TaskFailure) and "three is refused" in out[3].reason
    assert [out[i] for i in (0, 1, 2, 4)] == [0, 1, 2, 4]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    settings = load_settings({**BASE, "dask.scheduler": "tcp://127.0.0.1:9"}, environ={})
    write_jsonl(tmp_path / "a.jsonl", 3)
    with pytest.raises(ClusterError, match=r"tcp://127\.0\.0\.1:9.*dask scheduler"):
        service.ingest(SQLiteStore(memory=True), [str(tmp_path)], settings)
