"""Ingest: read, prepare in worker processes, dedupe, store in batch transactions."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import Any, BinaryIO, TypeVar

from storyline.ingest.dedupe import similarity
from storyline.ingest.notes import ReadNotes
from storyline.ingest.pipeline import Prepared, RunMetadata, prepare, with_duplicate
from storyline.ingest.readers import read_inputs
from storyline.models import Article, Document, IngestReport, Rejection
from storyline.service.common import (
    Progress,
    add_timings,
    parse_date_option,
    worker_count,
)
from storyline.service.workers import ItemTimeout, watchdog, worker_pool
from storyline.settings import Settings
from storyline.store.base import Store, StoredSignature

_CHUNK = 25  # documents per unit of work sent to a worker process
_LOOKAHEAD = 50  # prepared documents whose store lookups are asked together
_T = TypeVar("_T")


@dataclass(frozen=True)
class IngestOptions:
    """Options of one ingest run (the CLI's ``ingest`` flags)."""

    format: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    published: str | None = None
    source: str | None = None
    fetch: bool = False
    follow_links: bool = False


def prepare_chunk(
    documents: list[Document], settings: Settings, run: RunMetadata
) -> tuple[list[Prepared | Rejection], dict[str, float]]:
    """``prepare`` over a chunk (the unit of work sent to a worker process), each document
    under the ``ingest.item_timeout`` watchdog; a document that fails in any way is a
    ``Rejection`` with the reason, never the end of the chunk."""
    timings: dict[str, float] = {}
    seconds = float(settings["ingest.item_timeout"])
    results: list[Prepared | Rejection] = []
    for document in documents:
        try:
            with watchdog(seconds, "extracting and cleaning this document"):
                results.append(prepare(document, settings, run, timings))
        except ItemTimeout as exc:
            results.append(Rejection(document.origin, str(exc)))
        except Exception as exc:  # a parser bug on one document must not end the batch
            results.append(Rejection(document.origin, f"cannot prepare: {_failure(exc)}"))
    return results, timings


def _failure(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_Job = tuple[
    list[Document | Rejection], "Future[tuple[list[Prepared | Rejection], dict[str, float]]]"
]


def _timed(
    items: Iterable[Document | Rejection], timings: dict[str, float]
) -> Iterator[Document | Rejection]:
    iterator = iter(items)
    while True:
        started = time.perf_counter()
        item = next(iterator, None)
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - started
        if item is None:
            return
        yield item


def _prepare_stream(
    inputs: Iterable[Document | Rejection],
    settings: Settings,
    run: RunMetadata,
    timings: dict[str, float],
) -> Iterator[Prepared | Rejection]:
    """Prepare documents in worker processes (bounded look-ahead), keeping input order.

    Stage seconds are added to ``timings`` (worker seconds are summed over workers).
    """
    if settings["dask.scheduler"]:
        yield from _prepare_on_dask(inputs, settings, run, timings)
        return
    workers = worker_count(settings)
    chunks = _chunks(_timed(inputs, timings), _CHUNK)
    head = list(islice(chunks, 2))
    if len(head) < 2:
        workers = 1  # a small input: starting worker processes would cost more
    chunks = chain(head, chunks)
    if workers <= 1:
        for chunk in chunks:
            documents = [d for d in chunk if isinstance(d, Document)]
            results, chunk_timings = prepare_chunk(documents, settings, run)
            add_timings(timings, chunk_timings)
            prepared = iter(results)
            for item in chunk:
                yield item if isinstance(item, Rejection) else next(prepared)
        return
    with worker_pool(workers) as pool:
        pending: list[_Job] = []
        for chunk in chunks:
            documents = [d for d in chunk if isinstance(d, Document)]
            pending.append((chunk, pool.submit(prepare_chunk, documents, settings, run)))
            if len(pending) >= workers * 3:
                yield from _drain(pending.pop(0), timings)
        while pending:
            yield from _drain(pending.pop(0), timings)


def _prepare_on_dask(
    inputs: Iterable[Document | Rejection],
    settings: Settings,
    run: RunMetadata,
    timings: dict[str, float],
) -> Iterator[Prepared | Rejection]:
    """:func:`_prepare_stream` on the Dask cluster at ``dask.scheduler``: chunks go out
    in a bounded window and come back in input order; the documents of a chunk that
    failed on every try become rejections naming the reason."""
    from storyline.service.dask_pool import DaskPool, TaskFailure

    address = str(settings["dask.scheduler"])
    with DaskPool[list[Document | Rejection], Any](
        address, retries=int(settings["dask.retries"])
    ) as pool:
        jobs = (
            (chunk, ([d for d in chunk if isinstance(d, Document)], settings, run))
            for chunk in _chunks(_timed(inputs, timings), _CHUNK)
        )
        for chunk, outcome in pool.map_ordered(prepare_chunk, jobs):
            if isinstance(outcome, TaskFailure):
                for item in chunk:
                    yield (
                        item
                        if isinstance(item, Rejection)
                        else Rejection(item.origin, outcome.reason)
                    )
                continue
            results, chunk_timings = outcome
            add_timings(timings, chunk_timings)
            prepared = iter(results)
            for item in chunk:
                yield item if isinstance(item, Rejection) else next(prepared)


def _drain(job: _Job, timings: dict[str, float]) -> Iterator[Prepared | Rejection]:
    chunk, future = job
    results, chunk_timings = future.result()
    add_timings(timings, chunk_timings)
    prepared = iter(results)
    for item in chunk:
        yield item if isinstance(item, Rejection) else next(prepared)


class _Lookups:
    """What the store holds for a window of prepared documents, asked in one query
    each (not three round trips a document): which ids it has, the originals with each
    text hash, the originals sharing each band key. Valid while the store does not
    change: :func:`ingest_inputs` asks anew after each write."""

    def __init__(self, store: Store, items: Sequence[Prepared]) -> None:
        self.existing = store.existing_ids([p.article.id for p in items])
        fresh = [p for p in items if p.article.id not in self.existing]
        self.hashes = store.find_by_hashes([p.fingerprint.content_hash for p in fresh])
        self._bands: dict[bytes, list[StoredSignature]] = {}
        self._rank: dict[str, int] = {}
        keys = [key for p in fresh for key in p.fingerprint.bands]
        for key, stored in store.band_matches(keys):
            self._bands.setdefault(key, []).append(stored)
            self._rank.setdefault(stored.article_id, len(self._rank))

    def by_hash(self, content_hash: str) -> list[tuple[str, str | None]]:
        return list(self.hashes.get(content_hash, ()))

    def by_bands(self, keys: Sequence[bytes]) -> list[StoredSignature]:
        """Stored originals sharing a band key with ``keys``, each once, oldest first."""
        found: dict[str, StoredSignature] = {}
        for key in keys:
            for stored in self._bands.get(key, ()):
                found.setdefault(stored.article_id, stored)
        return sorted(found.values(), key=lambda s: self._rank[s.article_id])


class _Deduper:
    """Links each new article to the earliest stored or pending copy of it."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.pending: list[Prepared] = []
        self.relinks: list[tuple[str, str, str]] = []  # (old original, new original, kind)
        self._hashes: dict[str, Article] = {}
        self._bands: dict[bytes, list[Prepared]] = {}

    def reset(self) -> None:
        self.pending.clear()
        self.relinks.clear()
        self._hashes.clear()
        self._bands.clear()

    def _original(self, item: Prepared, lookups: _Lookups) -> tuple[str, str | None, str] | None:
        """(id, published, kind) of the earliest earlier copy, if any."""
        fp = item.fingerprint
        stored = lookups.by_hash(fp.content_hash)
        if fp.content_hash in self._hashes:
            first = self._hashes[fp.content_hash]
            stored.append((first.id, first.published))
        if stored:
            best = min(stored, key=lambda c: (c[1] or "9999", 0))
            return best[0], best[1], "exact"
        candidates = [(c.article_id, c.published, c.signature) for c in lookups.by_bands(fp.bands)]
        for key in fp.bands:
            for other in self._bands.get(key, ()):
                candidates.append(
                    (other.article.id, other.article.published, other.fingerprint.signature)
                )
        near = [
            (cid, published)
            for cid, published, signature in candidates
            if similarity(signature, fp.signature) >= self.threshold
        ]
        if near:
            best = min(near, key=lambda c: c[1] or "9999")
            return best[0], best[1], "near"
        return None

    def add(self, item: Prepared, lookups: _Lookups) -> bool:
        """Queue ``item`` for the next write; return True if it is a duplicate."""
        original = self._original(item, lookups)
        article = item.article
        duplicate = False
        if original is not None:
            original_id, original_published, kind = original
            if article.published and (original_published or "9999") > article.published:
                self._promote(original_id, article.id, kind)
            else:
                article = with_duplicate(article, original_id, kind)
                duplicate = True
        prepared = Prepared(article, item.fingerprint)
        self.pending.append(prepared)
        if article.duplicate_of is None:
            self._hashes.setdefault(item.fingerprint.content_hash, article)
            for key in item.fingerprint.bands:
                self._bands.setdefault(key, []).append(prepared)
        return duplicate

    def _promote(self, old_original: str, new_original: str, kind: str) -> None:
        """A newly arrived article is older than the copy we had: it becomes the original."""
        for i, queued in enumerate(self.pending):
            art = queued.article
            if art.id == old_original or art.duplicate_of == old_original:
                self.pending[i] = Prepared(
                    with_duplicate(art, new_original, art.duplicate_kind or kind),
                    queued.fingerprint,
                )
        # applied with the batch, in its transaction: the new original is written there
        self.relinks.append((old_original, new_original, kind))


def ingest(
    store: Store,
    paths: Sequence[str],
    settings: Settings,
    options: IngestOptions | None = None,
    *,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
) -> IngestReport:
    """Read, clean, dedupe and store every article found under ``paths``.

    Idempotent: an article already in the store is counted as unchanged. Each batch of
    ``ingest.batch_size`` articles is committed in one transaction, so a killed run
    keeps what it committed and a rerun completes the rest.
    """
    with store.exclusive("ingest"):
        return _ingest(store, paths, settings, options, progress=progress, stdin=stdin)


def _ingest(
    store: Store,
    paths: Sequence[str],
    settings: Settings,
    options: IngestOptions | None,
    *,
    progress: Progress | None,
    stdin: BinaryIO | None,
) -> IngestReport:
    options = options or IngestOptions()
    run = RunMetadata(
        published=parse_date_option(options.published, "--published"),
        source=options.source.strip() if options.source and options.source.strip() else None,
    )
    notes = ReadNotes()
    inputs = read_inputs(
        paths,
        settings=settings,
        format=options.format,
        fields=options.fields or None,
        fetch=options.fetch,
        stdin=stdin,
        follow_links=options.follow_links,
        notes=notes,
    )
    return ingest_inputs(
        store,
        inputs,
        settings,
        run,
        command="ingest " + " ".join(paths),
        progress=progress,
        notes=notes,
    )


def ingest_inputs(
    store: Store,
    inputs: Iterable[Document | Rejection],
    settings: Settings,
    run: RunMetadata | None = None,
    *,
    command: str,
    progress: Progress | None = None,
    notes: ReadNotes | None = None,
) -> IngestReport:
    """Clean, dedupe and store documents already read (``ingest`` reads them from paths;
    ``follow`` from feeds and pages), in batch transactions, as one recorded run."""
    run = run or RunMetadata()
    notes = notes or ReadNotes()
    started = time.perf_counter()
    run_id = store.start_run(command)
    deduper = _Deduper(float(settings["dedupe.threshold"]))
    rejected: list[Rejection] = []
    added_ids: list[str] = []
    counts = {"added": 0, "unchanged": 0, "duplicates": 0, "dated": 0, "sourced": 0}
    batch_size = int(settings["ingest.batch_size"])
    seen: set[str] = set()
    unflushed_rejections: list[Rejection] = []

    timings: dict[str, float] = {}

    def flush() -> None:
        started = time.perf_counter()
        store.add_articles(
            [(p.article, p.fingerprint.signature, p.fingerprint.bands) for p in deduper.pending],
            relinks=deduper.relinks,
        )
        store.add_rejections(run_id, unflushed_rejections)
        unflushed_rejections.clear()
        deduper.reset()
        timings["store"] = timings.get("store", 0.0) + time.perf_counter() - started

    for window in _chunks(_prepare_stream(inputs, settings, run, timings), _LOOKAHEAD):
        # the store's answers for the rest of the window, asked anew after each write
        lookups: _Lookups | None = None
        for index, item in enumerate(window):
            dedupe_started = time.perf_counter()
            if isinstance(item, Rejection):
                rejected.append(item)
                unflushed_rejections.append(item)
            else:
                if lookups is None:
                    rest = [p for p in window[index:] if isinstance(p, Prepared)]
                    lookups = _Lookups(store, rest)
                if item.article.id in seen or item.article.id in lookups.existing:
                    counts["unchanged"] += 1
                    dated, sourced = _fill_metadata(store, item.article.id, run)
                    counts["dated"] += dated
                    counts["sourced"] += sourced
                    if dated or sourced:
                        lookups = None
                else:
                    seen.add(item.article.id)
                    if deduper.add(item, lookups):
                        counts["duplicates"] += 1
                    counts["added"] += 1
                    added_ids.append(item.article.id)
                    timings["dedupe"] = (
                        timings.get("dedupe", 0.0) + time.perf_counter() - dedupe_started
                    )
                    if len(deduper.pending) >= batch_size:
                        flush()
                        lookups = None
            if progress is not None:
                progress(counts["added"] + counts["unchanged"], len(rejected))
    flush()
    report = IngestReport(
        added=counts["added"],
        unchanged=counts["unchanged"],
        duplicates=counts["duplicates"],
        dated=counts["dated"],
        sourced=counts["sourced"],
        rejected=tuple(rejected),
        seconds=time.perf_counter() - started,
        stage_seconds=dict(timings),
        article_ids=tuple(added_ids),
        skipped=notes.skipped_counts(),
        warnings=notes.warnings(),
    )
    store.finish_run(run_id, report)
    return report


def _fill_metadata(store: Store, article_id: str, run: RunMetadata) -> tuple[bool, bool]:
    """Give a stored article the date and the outlet this run supplies (``--published``,
    ``--source``), each only where it has none; whether it was dated, and given an outlet.

    A newly dated article's relative time expressions, left unresolved without a date,
    are resolved now. Its place in events and stories does not move by itself (the
    online pass placed it once): ``storyline recluster`` places every article again.
    """
    if run.published is None and run.source is None:
        return False, False
    article = store.get_article(article_id)
    dated = run.published is not None and article.published is None
    sourced = run.source is not None and article.source is None
    if not (dated or sourced):
        return False, False
    store.fill_metadata(
        article_id,
        published=run.published if dated else None,
        source=run.source if sourced else None,
    )
    enrichment = store.get_enrichment(article_id) if dated else None
    if run.published is not None and enrichment is not None and enrichment.times:
        from storyline.enrich.timex.extract import resolve_times

        times = resolve_times(enrichment.times, run.published, text=article.text)
        store.save_enrichments([replace(enrichment, times=times)], [])
    return dated, sourced
