"""Enrichment: one spaCy pass per article in worker processes, entities made canonical."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from storyline.models import Article, Enrichment, Entity
from storyline.service.common import (
    Progress,
    add_timings,
    worker_count,
)
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


_Enriched = tuple[list[Enrichment], dict[str, float]]
_PAGE = 5000  # unenriched ids taken from the store at a time
_CHUNK = 64  # articles per unit of work sent to a worker process


def _enrich_chunk(
    articles: list[Article], model: str, stage_names: tuple[str, ...], batch_size: int
) -> _Enriched:
    """Enrich one chunk (the unit of work sent to a worker process), with stage seconds."""
    from storyline.enrich.pipeline import build_pipeline, enrich_articles

    stages = build_pipeline(stage_names)
    timings: dict[str, float] = {}
    results = list(
        enrich_articles(
            articles, model=model, stages=stages, batch_size=batch_size, timings=timings
        )
    )
    return results, timings


def _enriched_chunks(
    store: Store, settings: Settings, stage_names: tuple[str, ...]
) -> Iterator[_Enriched]:
    """Unenriched articles, enriched chunk by chunk, in worker processes when allowed."""
    model = str(settings["enrich.model"])
    batch_size = int(settings["enrich.batch_size"])
    workers = worker_count(settings, "enrich.workers")
    chunk = max(_CHUNK, batch_size)
    if workers > 1 and len(store.unenriched_ids(chunk + 1)) <= chunk:
        workers = 1  # one small chunk: starting workers (a model load each) costs more
    if workers <= 1:
        while ids := store.unenriched_ids(chunk):
            yield _enrich_chunk(list(store.get_articles(ids)), model, stage_names, batch_size)
        return
    # Workers load the model once each; the main process resolves entities and writes
    # while the workers go on with the next chunks (a bounded window of work in flight).
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while ids := list(store.unenriched_ids(_PAGE)):
            pending: deque[Future[_Enriched]] = deque()
            for start in range(0, len(ids), chunk):
                articles = list(store.get_articles(ids[start : start + chunk]))
                pending.append(pool.submit(_enrich_chunk, articles, model, stage_names, batch_size))
                if len(pending) > workers * 2:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


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
    for chunk, chunk_timings in _enriched_chunks(store, settings, stage_names):
        add_timings(timings, chunk_timings)
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
    return EnrichReport(done, time.perf_counter() - started, producer, timings)
