"""``storyline bench dask PATH``: enrichment on a two-worker Dask cluster against
storyline's own two worker processes, in one run, on the same articles.

PATH is an ``articles.jsonl`` (or a folder holding one). Its articles are ingested
(``enrich.on_ingest`` off) into two fresh temporary stores. The first is enriched with
``enrich.workers`` 2 (storyline's process pool); the second on Dask: the scheduler at
``dask.scheduler`` when set, else a ``distributed.LocalCluster`` of 2 worker processes
with one thread each, started before the clock starts. Both timings include each
worker's model load. Prints both speeds and ``ratio`` (Dask's articles per second over
the process pool's; the target is at least 0.85), and checks both stores hold the same
enrichments.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from storyline import service
from storyline.errors import BenchError
from storyline.settings import Settings
from storyline.store.sqlite import SQLiteStore


def _enrich(store: SQLiteStore, settings: Settings) -> tuple[int, float]:
    started = time.perf_counter()
    report = service.enrich(store, settings)
    return report.articles, time.perf_counter() - started


def run(path: Path, settings: Settings) -> dict[str, Any]:
    source = path / "articles.jsonl" if path.is_dir() else path
    if not source.is_file():
        raise BenchError(f"{str(path)!r} holds no articles.jsonl; give a folder that has one")
    try:
        import distributed
    except ImportError:
        raise BenchError("bench dask needs Dask: pip install 'storyline[scale]'") from None
    quiet = settings.with_overrides({"enrich.on_ingest": False, "enrich.workers": 2})
    with tempfile.TemporaryDirectory(prefix="storyline-bench-dask-") as folder:
        stores = [SQLiteStore(Path(folder) / "own.db"), SQLiteStore(Path(folder) / "dask.db")]
        try:
            for store in stores:
                service.ingest(store, [str(source)], quiet)
            own_articles, own_seconds = _enrich(stores[0], quiet)
            print(f"own processes: {own_articles} articles in {own_seconds:.1f} s", file=sys.stderr)
            cluster: Any = None
            address = str(settings["dask.scheduler"])
            if not address:
                local: Any = distributed.LocalCluster  # distributed's hints are partial
                cluster = local(
                    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
                address = str(cluster.scheduler_address)
            try:
                on_dask = quiet.with_overrides({"dask.scheduler": address})
                dask_articles, dask_seconds = _enrich(stores[1], on_dask)
            finally:
                if cluster is not None:
                    cluster.close()
            print(f"dask: {dask_articles} articles in {dask_seconds:.1f} s", file=sys.stderr)
            left = sum(len(store.unenriched_ids(10)) for store in stores)
            sample = _ids(stores[0])[:50]
            same = all(stores[0].get_enrichment(i) == stores[1].get_enrichment(i) for i in sample)
        finally:
            for store in stores:
                store.close()
    own_speed = own_articles / own_seconds if own_seconds else 0.0
    dask_speed = dask_articles / dask_seconds if dask_seconds else 0.0
    return {
        "task": "dask",
        "articles": own_articles,
        "unenriched_left": left,
        "own_processes": {"workers": 2, "seconds": round(own_seconds, 1)},
        "own_articles_per_second": round(own_speed, 2),
        "dask": {"workers": 2, "threads_per_worker": 1, "seconds": round(dask_seconds, 1)},
        "dask_articles_per_second": round(dask_speed, 2),
        "ratio": round(dask_speed / own_speed, 3) if own_speed else None,
        "same_enrichments": same,
    }


def _ids(store: SQLiteStore) -> list[str]:
    from storyline.store.base import ArticleFilter

    return [a.id for a in store.list_articles(ArticleFilter(limit=None))]
