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


def build(
    settings: Settings,
    stream: Sequence[tuple[Article, int, int]],
    placements: Path,
    originals: int,
    enrichments: Sequence[Any],
) -> dict[str, Any]:
    """Store ``stream`` (original, copy, days shifted) in ``bench.scale_db`` (a temporary
    SQLite file when empty): its first ``bench.scale_ingest`` articles (at least the
    originals) through ``service.ingest``, timed, the rest by the direct fill; then the
    replay's placements (``placements``: one ``[event, story]`` line per article of
    ``stream``), and time the story page."""
    from storyline.bench.web import measure_paths

    with tempfile.TemporaryDirectory(prefix="storyline-bench-scale-") as folder:
        db = str(settings["bench.scale_db"]) or str(Path(folder) / "scale.db")
        quiet = settings.with_overrides(
            {"db": db, "enrich.on_ingest": False, "cluster.on_ingest": False}
        )
        ingested = min(len(stream), max(originals, int(settings["bench.scale_ingest"])))
        source = Path(folder) / "stream.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for article, copy, shift in stream[:ingested]:
                handle.write(json.dumps(record(article, copy, shift), ensure_ascii=False) + "\n")
        store = service.open_store(quiet)
        try:
            if store.count_articles():
                raise BenchError(f"the store {db!r} is not empty; give bench.scale_db a new one")
            started = time.perf_counter()
            report = service.ingest(store, [str(source)], quiet)
            ingest_seconds = time.perf_counter() - started
            print(
                f"ingested {report.added:,} articles in {ingest_seconds:.1f} s "
                f"({report.added / ingest_seconds:.0f}/s)",
                file=sys.stderr,
            )
            started = time.perf_counter()
            _fill(store, stream[ingested:])
            fill_seconds = time.perf_counter() - started
            store.save_enrichments([e for e in enrichments[:originals] if e is not None], [])
            started = time.perf_counter()
            _write_placements(store, _placed(stream, placements))
            place_seconds = time.perf_counter() - started
            stories = service.list_stories(store, limit=None)
            stats = service.store_stats(store)
        finally:
            store.close()
        largest = max(stories, key=lambda r: (r.articles, r.id))
        typical = sorted(stories, key=lambda r: (r.articles, r.id))[len(stories) // 2]
        chosen = {"largest": largest, "median": typical}
        measured = measure_paths(
            db, {n: f"/stories/{story.id}" for n, story in chosen.items()}, _CLIENTS, _REQUESTS
        )
        pages = {
            name: {"story": story.id, "story_articles": story.articles, **measured[name]}
            for name, story in chosen.items()
        }
    filled = len(stream) - ingested
    return {
        "backend": "postgresql" if service.is_postgres_url(db) else "sqlite",
        "stored_articles": stats.articles,
        "duplicates": stats.duplicates,
        "ingested_articles": report.added,
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_articles_per_second": round(report.added / ingest_seconds, 1),
        "ingest_stage_seconds": {k: round(v, 1) for k, v in report.stage_seconds.items()},
        "filled_articles": filled,
        "fill_seconds": round(fill_seconds, 1),
        "placement_write_seconds": round(place_seconds, 1),
        "stories_stored": len(stories),
        "story_page": pages,
    }


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
