"""The store half of ``storyline bench scaling``: a store as large as the replayed
stream (up to ``bench.scale_store`` articles), in SQLite or PostgreSQL (``bench.scale_db``),
its ingest throughput, and the story-page latency of ``storyline serve`` on it.

The stored articles are the replayed stream itself (:mod:`storyline.bench.scaling`):
copy ``k`` of an article gets the id ``ID~k`` and its publication date moved by the same
``k`` × (the set's span + a pause) days as its clustering features, and its text a term
substitution: every capitalised word gets a copy suffix (``Kerry`` -> ``Kerry-k``: other
people and places) and a fifth of its words (drawn from the copy
number) are swapped with their neighbour, so that no copy
is a near-duplicate of another and ingest does its full work (read, clean, fingerprint,
dedupe lookups, store) on each. The first ``bench.scale_ingest`` articles (and at
least the originals) are ingested through ``service.ingest`` with ``enrich.on_ingest``
off (the throughput figure is ingest without enrichment); the rest are written straight
with ``Store.add_articles`` (:func:`fill_copy`: the same substituted text, stored as
cleaned, with an empty MinHash signature and no band keys, which no page reads), so that
a million-article store takes minutes rather than an hour of ingest; then the
placements the replayed clusterer made are written with ``save_clusters``, so that
stories and events are those of the replay. Copies are not enriched (a story page reads
its own articles and their enrichments when present; only the originals have them),
as in ``storyline bench web``.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from storyline import service
from storyline.errors import BenchError
from storyline.ingest.dedupe import content_hash
from storyline.models import Article
from storyline.settings import Settings
from storyline.store.clusters import ClusterRow, PlacementRow

_BATCH = 2000  # articles per add_articles, placements per save_clusters transaction
_CLIENTS = 20  # concurrent clients on the story page
_REQUESTS = 300  # measured story-page requests
_FILL_PROGRESS = 100_000  # a progress line every this many filled articles


@dataclass
class Placed:
    """Where the replay put one stored article."""

    article_id: str
    event_id: str
    story_id: str
    day: str | None
    title: str


def copy_text(text: str, copy: int) -> str:
    """Copy ``copy`` of an article's text: names suffixed, a fifth of the words swapped
    with their neighbour (places drawn from the copy number)."""
    if copy == 0:
        return text
    suffix = f"-{copy}"
    words = [
        word + suffix if word[:1].isupper() and word[1:2].islower() else word
        for word in text.split(" ")
    ]
    for i in _swaps(copy, len(words) - 1):
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


@functools.lru_cache(maxsize=8)
def _swap_draws(copy: int, length: int) -> tuple[int, ...]:
    rng = random.Random(copy)  # the same copy number swaps the same places in every article
    return tuple(i for i in range(length) if rng.random() < 0.2)


def _swaps(copy: int, positions: int) -> Iterator[int]:
    """The positions below ``positions`` whose word copy ``copy`` swaps with the next:
    drawn once per copy (for the longest text seen so far) rather than once per word."""
    length = max(4096, 1 << max(0, positions - 1).bit_length())
    for i in _swap_draws(copy, length):
        if i >= positions:
            return
        yield i


def shifted(published: str | None, days: int) -> str | None:
    if not published or days == 0:
        return published
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return published
    return (day + timedelta(days=days)).isoformat() + published[10:]


def record(article: Article, copy: int, shift_days: int) -> dict[str, Any]:
    return {
        "id": article.id if copy == 0 else f"{article.id}~{copy}",
        "title": None if article.title is None else copy_text(article.title, copy),
        "text": copy_text(article.text, copy),
        "published": shifted(article.published, shift_days),
        "source": article.source,
    }


def fill_copy(article: Article, copy: int, shift_days: int) -> Article:
    """The stored article of copy ``copy``, written straight into the store by the fill:
    the cleaned original's text term-substituted as :func:`record` does, kept as its own
    raw text (no edits), with its own content hash."""
    rec = record(article, copy, shift_days)
    return Article(
        id=rec["id"],
        text=rec["text"],
        raw=rec["text"],
        title=rec["title"],
        published=rec["published"],
        source=article.source,
        language=article.language,
        origin="bench fill",
        content_hash=content_hash(rec["text"]),
    )


class StoreBuild:
    """The store half of the bench, begun before the replay and finished after it.

    On entry the first ``bench.scale_ingest`` articles of ``stream`` (original, copy,
    days shifted; at least the originals) are ingested into ``bench.scale_db`` (a
    temporary SQLite file when empty) through ``service.ingest``, timed, and a child
    process starts writing the rest by the direct fill, so that the fill runs beside the
    replay; :meth:`finish` waits for it, writes the replay's placements and times the
    story page. Leaving the ``with`` block stops an unfinished fill and removes the
    temporary folder."""

    def __init__(
        self,
        settings: Settings,
        stream: Sequence[tuple[Article, int, int]],
        originals: int,
        enrichments: Sequence[Any],
    ) -> None:
        self._stream = stream
        self._originals = originals
        self._enrichments = enrichments
        self._folder = tempfile.TemporaryDirectory(prefix="storyline-bench-scale-")
        self.db = str(settings["bench.scale_db"]) or str(Path(self._folder.name) / "scale.db")
        self._settings = settings.with_overrides(
            {"db": self.db, "enrich.on_ingest": False, "cluster.on_ingest": False}
        )
        self._ingested = min(len(stream), max(originals, int(settings["bench.scale_ingest"])))
        self._fill_process: Any = None
        self._fill_result: Any = None

    def __enter__(self) -> StoreBuild:
        try:
            self._ingest()
            context = multiprocessing.get_context("fork")  # the stream is inherited, not sent
            receive, send = context.Pipe(duplex=False)
            self._fill_result = receive
            self._fill_process = context.Process(
                target=_fill_child,
                args=(self._settings, self._stream[self._ingested :], send),
                name="storyline-bench-fill",
            )
            self._fill_process.start()
            send.close()
        except BaseException:
            self._folder.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fill_process is not None and self._fill_process.is_alive():
            self._fill_process.terminate()
            self._fill_process.join()
        self._folder.cleanup()

    def _ingest(self) -> None:
        source = Path(self._folder.name) / "stream.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for article, copy, shift in self._stream[: self._ingested]:
                handle.write(json.dumps(record(article, copy, shift), ensure_ascii=False) + "\n")
        store = service.open_store(self._settings)
        try:
            if store.count_articles():
                raise BenchError(
                    f"the store {self.db!r} is not empty; give bench.scale_db a new one"
                )
            started = time.perf_counter()
            self._report = service.ingest(store, [str(source)], self._settings)
            self._ingest_seconds = time.perf_counter() - started
        finally:
            store.close()
        print(
            f"ingested {self._report.added:,} articles in {self._ingest_seconds:.1f} s "
            f"({self._report.added / self._ingest_seconds:.0f}/s); filling the other "
            f"{len(self._stream) - self._ingested:,} beside the replay",
            file=sys.stderr,
        )

    def finish(self, placements: Path) -> dict[str, Any]:
        """Wait for the fill, write the placements (``placements``: one ``[event, story]``
        line per article of the stream), time the story page; the store's figures."""
        from storyline.bench.web import measure_paths

        self._fill_process.join()
        if self._fill_process.exitcode != 0 or not self._fill_result.poll():
            raise BenchError(
                f"the fill of {self.db!r} failed (exit code {self._fill_process.exitcode}); "
                "its error is above"
            )
        fill_seconds = float(self._fill_result.recv())
        store = service.open_store(self._settings)
        try:
            store.save_enrichments(
                [e for e in self._enrichments[: self._originals] if e is not None], []
            )
            started = time.perf_counter()
            _write_placements(store, _placed(self._stream, placements))
            place_seconds = time.perf_counter() - started
            stories = service.list_stories(store, limit=None)
            stats = service.store_stats(store)
        finally:
            store.close()
        largest = max(stories, key=lambda r: (r.articles, r.id))
        typical = sorted(stories, key=lambda r: (r.articles, r.id))[len(stories) // 2]
        chosen = {"largest": largest, "median": typical}
        measured = measure_paths(
            self.db, {n: f"/stories/{story.id}" for n, story in chosen.items()}, _CLIENTS, _REQUESTS
        )
        report = self._report
        return {
            "backend": "postgresql" if service.is_postgres_url(self.db) else "sqlite",
            "stored_articles": stats.articles,
            "duplicates": stats.duplicates,
            "ingested_articles": report.added,
            "ingest_seconds": round(self._ingest_seconds, 1),
            "ingest_articles_per_second": round(report.added / self._ingest_seconds, 1),
            "ingest_stage_seconds": {k: round(v, 1) for k, v in report.stage_seconds.items()},
            "filled_articles": len(self._stream) - self._ingested,
            "fill_seconds": round(fill_seconds, 1),
            "placement_write_seconds": round(place_seconds, 1),
            "stories_stored": len(stories),
            "story_page": {
                name: {"story": story.id, "story_articles": story.articles, **measured[name]}
                for name, story in chosen.items()
            },
        }


def _fill_child(settings: Settings, stream: Sequence[tuple[Article, int, int]], done: Any) -> None:
    """The fill process: write ``stream`` into the store, then send the seconds it took."""
    started = time.perf_counter()
    store = service.open_store(settings)
    try:
        _fill(store, stream)
    finally:
        store.close()
    done.send(time.perf_counter() - started)


def _fill(store: Any, stream: Sequence[tuple[Article, int, int]]) -> None:
    """Write the copies straight into the store, in batches, with a progress line."""
    for start in range(0, len(stream), _BATCH):
        batch = [fill_copy(*item) for item in stream[start : start + _BATCH]]
        store.add_articles([(article, b"", ()) for article in batch])
        done = start + len(batch)
        if done % _FILL_PROGRESS < _BATCH or done == len(stream):
            print(f"filled {done:,} of {len(stream):,} articles", file=sys.stderr)


def _placed(stream: Sequence[tuple[Article, int, int]], placements: Path) -> Iterator[Placed]:
    with placements.open(encoding="utf-8") as lines:
        for (article, copy, shift), line in zip(stream, lines, strict=True):
            event_id, story_id = json.loads(line)
            yield Placed(
                article.id if copy == 0 else f"{article.id}~{copy}",
                event_id,
                story_id,
                shifted(article.published, shift),
                article.headline(),
            )


def _write_placements(store: Any, stream: Iterable[Placed]) -> None:
    """The replay's placements and the events they make, in batches."""
    events: dict[str, ClusterRow] = {}
    placed = list(stream)
    for item in placed:
        row = events.get(item.event_id)
        if row is None:
            events[item.event_id] = ClusterRow(
                item.event_id, item.title, item.day, item.day, 1, story_id=item.story_id
            )
            continue
        days = [d for d in (row.start, row.end, item.day) if d]
        events[item.event_id] = ClusterRow(
            row.id,
            row.title,
            min(days) if days else None,
            max(days) if days else None,
            row.articles + 1,
            story_id=item.story_id,
        )
    for start in range(0, len(placed), _BATCH):
        batch = placed[start : start + _BATCH]
        rows = [
            PlacementRow(p.article_id, p.event_id, events[p.event_id].story_id or "", {}, "bench")
            for p in batch
        ]
        touched = list(dict.fromkeys(p.event_id for p in batch))
        store.save_clusters(rows, [events[e] for e in touched], b"{}", "bench")
