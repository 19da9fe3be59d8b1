"""Enrichment: one spaCy pass per article in worker processes, entities made canonical."""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from storyline.models import Article, Enrichment, Entity, IngestReport, Rejection
from storyline.service.common import (
    Progress,
    add_timings,
    worker_count,
)
from storyline.service.workers import watchdog, worker_pool
from storyline.settings import Settings
from storyline.store.base import Store

_ALL = 2**62  # a limit that lists every id

# --- enrichment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrichReport:
    articles: int
    seconds: float
    producer: str
    stage_seconds: Mapping[str, float] = field(default_factory=dict)
    rejected: tuple[Rejection, ...] = ()  # failed articles and cut texts, also in the store


def _remap(item: Enrichment, keys: Mapping[str, str], entities: Sequence[Entity]) -> Enrichment:
    return replace(
        item,
        mentions=tuple(replace(m, entity=keys.get(m.entity, m.entity)) for m in item.mentions),
        quotes=tuple(
            replace(q, speaker_entity=keys.get(q.speaker_entity, q.speaker_entity))
            for q in item.quotes
        ),
        entities=tuple(entities),
    )


_Enriched = tuple[list[Enrichment], dict[str, float], list[tuple[str, str]]]
_PAGE = 5000  # unenriched ids taken from the store at a time
_CHUNK = 64  # articles per unit of work sent to a worker process


@dataclass(frozen=True)
class _Job:
    """What a worker needs to enrich a chunk (picklable)."""

    model: str
    stage_names: tuple[str, ...]
    batch_size: int
    max_chars: int
    piece_chars: int
    timeout: float


def _enrich_chunk(articles: list[Article], job: _Job) -> _Enriched:
    """Enrich one chunk (the unit of work sent to a worker process): results, stage
    seconds, and the problems met (article id, reason), each article under the watchdog."""
    from storyline.enrich.pipeline import build_pipeline, enrich_articles

    stages = build_pipeline(job.stage_names)
    timings: dict[str, float] = {}
    problems: list[tuple[str, str]] = []

    def guard(what: str, items: int) -> contextlib.AbstractContextManager[None]:
        return watchdog(job.timeout * items, what)

    results = list(
        enrich_articles(
            articles,
            model=job.model,
            stages=stages,
            batch_size=job.batch_size,
            timings=timings,
            max_chars=job.max_chars,
            piece_chars=job.piece_chars,
            problems=problems,
            guard=guard,
        )
    )
    return results, timings, problems


def _enriched_chunks(
    store: Store, settings: Settings, stage_names: tuple[str, ...]
) -> Iterator[_Enriched]:
    """Unenriched articles, enriched chunk by chunk, in worker processes when allowed."""
    batch_size = int(settings["enrich.batch_size"])
    job = _Job(
        model=str(settings["enrich.model"]),
        stage_names=stage_names,
        batch_size=batch_size,
        max_chars=int(settings["enrich.max_chars"]),
        piece_chars=int(settings["enrich.piece_chars"]),
        timeout=float(settings["ingest.item_timeout"]),
    )
    if settings["dask.scheduler"]:
        yield from _enriched_on_dask(store, settings, job)
        return
    workers = worker_count(settings, "enrich.workers")
    chunk = max(_CHUNK, batch_size)
    if workers > 1 and len(store.unenriched_ids(chunk + 1)) <= chunk:
        workers = 1  # one small chunk: starting workers (a model load each) costs more
    if workers <= 1:
        while ids := store.unenriched_ids(chunk):
            yield _enrich_chunk(list(store.get_articles(ids)), job)
        return
    # Workers load the model once each; the main process resolves entities and writes
    # while the workers go on with the next chunks (a bounded window of work in flight).
    with worker_pool(workers) as pool:
        while ids := list(store.unenriched_ids(_PAGE)):
            pending: deque[Future[_Enriched]] = deque()
            for start in range(0, len(ids), chunk):
                articles = list(store.get_articles(ids[start : start + chunk]))
                pending.append(pool.submit(_enrich_chunk, articles, job))
                if len(pending) > workers * 2:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


def _enriched_on_dask(store: Store, settings: Settings, job: _Job) -> Iterator[_Enriched]:
    """:func:`_enriched_chunks` on the Dask cluster at ``dask.scheduler``. Chunks go out
    in a bounded window; each worker loads the model once (``load_nlp`` is cached in the
    worker process). A chunk that failed on every try comes back as one problem per
    article (recorded as rejections) and is not tried again in this run."""
    from storyline.service.dask_pool import DaskPool, TaskFailure

    chunk = max(_CHUNK, job.batch_size)
    skipped: set[str] = set()
    with DaskPool[list[str], _Enriched](
        str(settings["dask.scheduler"]), retries=int(settings["dask.retries"])
    ) as pool:
        while ids := [i for i in store.unenriched_ids(_PAGE + len(skipped)) if i not in skipped]:
            jobs = (
                (
                    ids[start : start + chunk],
                    (list(store.get_articles(ids[start : start + chunk])), job),
                )
                for start in range(0, len(ids), chunk)
            )
            for sent, outcome in pool.map_ordered(_enrich_chunk, jobs):
                if isinstance(outcome, TaskFailure):
                    skipped.update(sent)
                    yield [], {}, [(article_id, outcome.reason) for article_id in sent]
                    continue
                yield outcome


def enrich(
    store: Store,
    settings: Settings,
    *,
    progress: Progress | None = None,
) -> EnrichReport:
    """Enrich every article not enriched yet (incremental, batched, model loaded once).

    Entities are made canonical across the store: each article's entities are resolved
    against the entities already known, and the store keeps the merged aliases.
    """
    with store.exclusive("enrich"):
        return _enrich(store, settings, progress=progress)


def _enrich(store: Store, settings: Settings, *, progress: Progress | None) -> EnrichReport:
    from storyline.enrich.entities.canonical import EntityIndex
    from storyline.enrich.pipeline import build_pipeline, parse_stages

    stage_names = parse_stages(settings["enrich.stages"])
    build_pipeline(stage_names)  # fail early, with the name of what is missing
    started = time.perf_counter()
    index = EntityIndex(store.all_entities())
    done = 0
    total = len(store.unenriched_ids(_ALL)) if progress is not None else 0
    if progress is not None and total:
        progress(0, total)
    producer = ""
    timings: dict[str, float] = {}
    problems: list[Rejection] = []
    for chunk, chunk_timings, chunk_problems in _enriched_chunks(store, settings, stage_names):
        add_timings(timings, chunk_timings)
        problems += _record_problems(store, chunk_problems)
        resolve_started = time.perf_counter()
        mappings = [index.resolve(item.entities) for item in chunk]
        results = []
        for item, keys in zip(chunk, mappings, strict=True):
            found = (index.get(k) for k in dict.fromkeys(keys.values()))
            resolved = [entity for entity in found if entity is not None]
            results.append(_remap(item, keys, resolved))
            producer = item.producer
        add_timings(timings, {"resolve": time.perf_counter() - resolve_started})
        store_started = time.perf_counter()
        store.save_enrichments(results, [e for r in results for e in r.entities])
        add_timings(timings, {"store": time.perf_counter() - store_started})
        done += len(results)
        if progress is not None:
            progress(done, max(total, done))
    return EnrichReport(
        done, time.perf_counter() - started, producer, timings, rejected=tuple(problems)
    )


def _record_problems(store: Store, problems: Sequence[tuple[str, str]]) -> list[Rejection]:
    """Store failed and cut articles as rejections (origin ``article ID (its origin)``) of
    an ``enrich`` run, so ``storyline rejected`` lists them with their reasons."""
    if not problems:
        return []
    origins = {a.id: a.origin for a in store.get_articles([i for i, _ in problems])}
    items = [
        Rejection(f"article {i}" + (f" ({origins[i]})" if origins.get(i) else ""), reason)
        for i, reason in problems
    ]
    run_id = store.start_run("enrich")
    store.add_rejections(run_id, items)
    store.finish_run(run_id, IngestReport(rejected=tuple(items)))
    return items
