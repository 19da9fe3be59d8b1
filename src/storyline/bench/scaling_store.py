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
dedupe lookups, store) on each. The articles are ingested through ``service.ingest``
with ``enrich.on_ingest`` off (the throughput figure is ingest without enrichment); then
the placements the replayed clusterer made are written with ``save_clusters``, so that
stories and events are those of the replay. Copies are not enriched (a story page reads
its own articles and their enrichments when present; only the originals have them),
as in ``storyline bench web``.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from storyline import service
from storyline.models import Article
from storyline.settings import Settings
from storyline.store.clusters import ClusterRow, PlacementRow

_BATCH = 2000  # placements per save_clusters transaction


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
    words = text.split(" ")
    for i, word in enumerate(words):
        if word[:1].isupper() and word[1:2].islower():
            words[i] = f"{word}-{copy}"
    rng = random.Random(copy)  # the same copy number swaps the same places in every article
    for i in range(len(words) - 1):
        if rng.random() < 0.2:
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


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


def build(
    settings: Settings,
    records: Sequence[dict[str, Any]],
    placed: Sequence[Placed],
    originals: int,
    enrichments: Sequence[Any],
) -> dict[str, Any]:
    """Ingest ``records`` into the store ``bench.scale_db`` (a temporary SQLite file when
    empty), write the replay's placements, and time the story page."""
    from storyline.bench.web import _measure

    with tempfile.TemporaryDirectory(prefix="storyline-bench-scale-") as folder:
        db = str(settings["bench.scale_db"]) or str(Path(folder) / "scale.db")
        quiet = settings.with_overrides(
            {"db": db, "enrich.on_ingest": False, "cluster.on_ingest": False}
        )
        source = Path(folder) / "stream.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for item in records:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        store = service.open_store(quiet)
        try:
            if store.count_articles():
                from storyline.errors import BenchError

                raise BenchError(f"the store {db!r} is not empty; give bench.scale_db a new one")
            started = time.perf_counter()
            report = service.ingest(store, [str(source)], quiet)
            ingest_seconds = time.perf_counter() - started
            print(
                f"ingested {report.added:,} articles in {ingest_seconds:.1f} s "
                f"({report.added / ingest_seconds:.0f}/s)",
                file=sys.stderr,
            )
            store.save_enrichments([e for e in enrichments[:originals] if e is not None], [])
            started = time.perf_counter()
            _write_placements(store, placed)
            place_seconds = time.perf_counter() - started
            stories = service.list_stories(store, limit=None)
            stats = service.store_stats(store)
        finally:
            store.close()
        largest = max(stories, key=lambda r: (r.articles, r.id))
        typical = sorted(stories, key=lambda r: (r.articles, r.id))[len(stories) // 2]
        pages: dict[str, Any] = {}
        for name, story in (("largest", largest), ("median", typical)):
            latencies = sorted(_measure(quiet, f"/stories/{story.id}"))
            pages[name] = {
                "story": story.id,
                "story_articles": story.articles,
                "p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            }
    return {
        "backend": "postgresql" if service.is_postgres_url(db) else "sqlite",
        "stored_articles": stats.articles,
        "duplicates": stats.duplicates,
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_articles_per_second": round(report.added / ingest_seconds, 1),
        "ingest_stage_seconds": {k: round(v, 1) for k, v in report.stage_seconds.items()},
        "placement_write_seconds": round(place_seconds, 1),
        "stories_stored": len(stories),
        "story_page": pages,
    }


def _write_placements(store: Any, placed: Sequence[Placed]) -> None:
    """The replay's placements and the events they make, in batches."""
    events: dict[str, ClusterRow] = {}
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
