"""``storyline bench dask PATH``: enrichment on a two-worker Dask cluster against
storyline's own two worker processes, in one run, on the same articles.

PATH is an ``articles.jsonl`` (or a folder holding one). Its articles are ingested
(``enrich.on_ingest`` off) into four fresh temporary stores, enriched in the order
own, Dask, Dask, own (so that a load on the machine that drifts during the run weighs on
both alike): own is ``enrich.workers`` 2 (storyline's process pool, started anew each
time), Dask is the scheduler at ``dask.scheduler`` when set, else a new
``distributed.LocalCluster`` of 2 worker processes with one thread each, started before
the clock starts; every timing includes the workers' model loads (except a second round
on a running ``dask.scheduler``, whose workers keep it). Prints both speeds and
``ratio`` (Dask's articles per second over the process pool's; the target is at
least 0.85), and checks both stores hold the same enrichments.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from storyline import service
from storyline.errors import BenchError
from storyline.settings import Settings
from storyline.store.sqlite import SQLiteStore

# Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536 and one BLAS thread
# (distributed.nanny.pre-spawn-environ); the bench starts its workers with the
# environment storyline's own processes have, so that the two runs differ in how work is
# sent out and gathered, not in allocator settings (checked: the workers then see
# neither MALLOC_TRIM_THRESHOLD_ nor OMP_NUM_THREADS).
WORKER_ENV: dict[str, Any] = {}


def _enrich(store: SQLiteStore, settings: Settings) -> tuple[int, float]:
    """Enrich ``store``; (articles, seconds)."""
    started = time.perf_counter()
    report = service.enrich(store, settings)
    return report.articles, time.perf_counter() - started


def run(path: Path, settings: Settings) -> dict[str, Any]:
    source = path / "articles.jsonl" if path.is_dir() else path
    if not source.is_file():
        raise BenchError(f"{str(path)!r} holds no articles.jsonl; give a folder that has one")
    if importlib.util.find_spec("distributed") is None:
        raise BenchError("bench dask needs Dask: pip install 'storyline[scale]'")
    quiet = settings.with_overrides({"enrich.on_ingest": False, "enrich.workers": 2})
    order = ("own", "dask", "dask", "own")  # A B B A: a load that drifts hits both alike
    seconds = dict.fromkeys(order, 0.0)
    articles = dict.fromkeys(order, 0)
    with tempfile.TemporaryDirectory(prefix="storyline-bench-dask-") as folder:
        stores = [SQLiteStore(Path(folder) / f"{i}-{mode}.db") for i, mode in enumerate(order)]
        try:
            for store in stores:
                service.ingest(store, [str(source)], quiet)
            for mode, store in zip(order, stores, strict=True):
                if mode == "own":
                    done, spent = _enrich(store, quiet)
                else:
                    done, spent = _on_dask(store, quiet, str(settings["dask.scheduler"]))
                articles[mode] += done
                seconds[mode] += spent
                print(f"{mode}: {done} articles in {spent:.1f} s", file=sys.stderr)
            left = sum(len(store.unenriched_ids(10)) for store in stores)
            sample = _ids(stores[0])[:50]
            same = all(stores[0].get_enrichment(i) == stores[1].get_enrichment(i) for i in sample)
        finally:
            for store in stores:
                store.close()
    own_speed = articles["own"] / seconds["own"] if seconds["own"] else 0.0
    dask_speed = articles["dask"] / seconds["dask"] if seconds["dask"] else 0.0
    return {
        "task": "dask",
        "articles": articles["own"] // 2,
        "rounds": list(order),
        "unenriched_left": left,
        "own_processes": {"workers": 2, "seconds": round(seconds["own"], 1)},
        "own_articles_per_second": round(own_speed, 2),
        "dask": {"workers": 2, "threads_per_worker": 1, "seconds": round(seconds["dask"], 1)},
        "dask_articles_per_second": round(dask_speed, 2),
        "ratio": round(dask_speed / own_speed, 3) if own_speed else None,
        "same_enrichments": same,
    }


def _on_dask(store: SQLiteStore, settings: Settings, address: str) -> tuple[int, float]:
    """Enrich ``store`` on the scheduler at ``address``, or on a new local cluster of two
    single-threaded worker processes (started, and stopped, off the clock)."""
    import dask
    import distributed

    cluster: Any = None
    if not address:
        local: Any = distributed.LocalCluster  # distributed's hints are partial
        # workers with the environment storyline's own processes have (see WORKER_ENV)
        with dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENV}):
            cluster = local(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        address = str(cluster.scheduler_address)
    try:
        return _enrich(store, settings.with_overrides({"dask.scheduler": address}))
    finally:
        if cluster is not None:
            cluster.close()


def _ids(store: SQLiteStore) -> list[str]:
    from storyline.store.base import ArticleFilter

    return [a.id for a in store.list_articles(ArticleFilter(limit=None))]
