"""``storyline bench scaling PATH``: how online assignment time grows with the store.

PATH holds a cluster data set (``articles.jsonl``, as for ``storyline bench cluster``).
Its articles are ingested and enriched once in a fresh temporary store, reduced to
clustering features in arrival order, then replayed as a longer stream: copy ``k`` of
every article gets the id ``ID~k`` and has all its days (publication and event days)
shifted by ``k`` times the set's publication span plus a pause longer than any active window
(``cluster.event_active_days``, ``cluster.story_active_days``), its years with them, and
its entities renamed for the copy, so that each copy is a later stretch of news about
other people and places, with the same words and the same candidate-index load, as a
store that keeps growing over the years would see.

The stream is fed to one online clusterer up to ``bench.scale_max`` articles. Assignment
time per article is the mean over a window of :data:`WINDOW` articles (at most half the
size) ending at each of the sizes of :func:`sizes` (by default 1k, 10k and 100k).
Every :data:`RETIRE_EVERY` articles the clusterer retires the stories no new event can
reach (:meth:`OnlineClusterer.retire`, as the service does after each run's
consolidation); that time is counted in the article's. Consolidation is not timed: it is a
periodic pass over the touched events, not part of placing an article. Prints the
milliseconds per article at each size, ``growth`` (time at the largest size over time
at the smallest; the target at 1M is at most 3), the total assignment seconds and the peak
resident memory (this process or an enrichment worker, whichever is larger).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from storyline.bench import peak_rss_mb
from storyline.bench.cluster import prepare
from storyline.bench.scaling_store import StoreBuild
from storyline.cluster.features import Features
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.params import params_from_settings
from storyline.errors import BenchError
from storyline.settings import Settings

WINDOW = 500  # articles averaged per measured size
RETIRE_EVERY = 1000  # articles between two retirements of unreachable stories (timed)
_PROGRESS = 10_000  # a progress line every this many articles
_DAYS_PER_YEAR = 365.2425


def replica(features: Features, copy: int, shift_days: int) -> Features:
    """Copy ``copy`` of an article: id ``ID~copy``, every day moved ``shift_days`` on, and
    its entities renamed (``person:x~copy``): the same words about other people and
    places, so that a copy is a story of its own rather than the original story waking
    up (stories do not expire)."""
    if copy == 0:
        return features
    years = round(shift_days / _DAYS_PER_YEAR)
    return dataclasses.replace(
        features,
        article_id=f"{features.article_id}~{copy}",
        entities={f"{key}~{copy}": weight for key, weight in features.entities.items()},
        day=None if features.day is None else features.day + shift_days,
        event_days=tuple(day + shift_days for day in features.event_days),
        years=tuple(year + years for year in features.years),
        duplicate_of=(None if features.duplicate_of is None else f"{features.duplicate_of}~{copy}"),
    )


def stream(features: Sequence[Features], total: int, pause_days: int) -> Iterator[Features]:
    """``total`` articles: ``features`` (arrival order), then shifted copies of them."""
    for item, copy, shift in numbered(features, total, pause_days):
        yield replica(item, copy, shift)


def _period(features: Sequence[Features], pause_days: int) -> int:
    """Days between two copies: the set's publication span plus the pause."""
    days = [f.day for f in features if f.day is not None]
    return (max(days) - min(days) if days else 0) + pause_days


def check_fits(features: Sequence[Features], total: int, pause_days: int) -> None:
    """A BenchError unless the last copy of a ``total``-article stream still has its
    dates before the end of year 9999 (a set with a long span fits fewer copies)."""
    days = [d for f in features for d in (f.day, *f.event_days) if d is not None]
    if not days:
        return
    period = _period(features, pause_days)
    room = (date.max.toordinal() - max(days)) // period if period else total
    fits = (room + 1) * len(features)
    if total > fits:
        raise BenchError(
            f"a stream of {total:,} articles does not fit in the calendar: this set spans "
            f"{period - pause_days:,} days, so each copy moves {period:,} days on and at most "
            f"{fits:,} articles stay before the year 10000; lower bench.scale_max or use a "
            "set with a shorter span"
        )


def numbered(
    features: Sequence[Features], total: int, pause_days: int
) -> Iterator[tuple[Features, int, int]]:
    """(original, copy number, days shifted) for each of the ``total`` articles."""
    period = _period(features, pause_days)
    emitted = 0
    copy = 0
    while emitted < total:
        for item in features:
            if emitted == total:
                return
            yield item, copy, copy * period
            emitted += 1
        copy += 1


def sizes(scale_max: int) -> list[int]:
    """The measured store sizes: ``scale_max / 100``, ``/ 10``, ``scale_max`` and every
    power of ten from 1,000 up to it (1k, 10k, 100k and 1M for a million)."""
    powers = {10**k for k in range(3, len(str(scale_max))) if 10**k <= scale_max}
    return sorted({max(2, scale_max // 100), max(2, scale_max // 10), scale_max, *powers})


def run(path: Path, settings: Settings) -> dict[str, Any]:
    prepared = prepare(path, settings)
    features = prepared.features()
    if not features:
        raise BenchError(f"{str(prepared.source)!r} gave no articles to cluster")
    scale_max = int(settings["bench.scale_max"])
    measured = sizes(scale_max)
    windows = {size: min(WINDOW, size // 2) for size in measured}
    params = params_from_settings(settings)
    pause = max(params.event_active_days, params.story.active_days) + 1
    check_fits(features, scale_max, pause)
    clusterer = OnlineClusterer(params)
    spent: dict[int, float] = dict.fromkeys(measured, 0.0)
    total_seconds = 0.0
    store_size = min(scale_max, int(settings["bench.scale_store"]))
    by_id = {a.id: a for a in prepared.articles}
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="storyline-bench-scale-"))
        builder = (
            stack.enter_context(
                StoreBuild(
                    settings,
                    [
                        (by_id[f.article_id], copy, shift)
                        for f, copy, shift in numbered(features, store_size, pause)
                    ],
                    len(features),
                    prepared.enrichments,
                )
            )
            if store_size
            else None
        )
        # the placements of the stored articles go to a file, not to memory, so that the
        # clusterer's memory is what the replay adds
        placements = Path(folder) / "placements.jsonl"
        rss_before = current_rss_mb()
        with placements.open("w", encoding="utf-8") as out:
            for number, (original, copy, shift) in enumerate(
                numbered(features, scale_max, pause), 1
            ):
                item = replica(original, copy, shift)
                started = time.perf_counter()
                placement = clusterer.assign(item)
                if number % RETIRE_EVERY == 0:
                    clusterer.retire()  # as a consolidated stream does after each run
                elapsed = time.perf_counter() - started
                if number <= store_size:
                    out.write(json.dumps([placement.event_id, placement.story_id]) + "\n")
                total_seconds += elapsed
                for size in measured:
                    if size - windows[size] < number <= size:
                        spent[size] += elapsed
                if number % _PROGRESS == 0:
                    print(
                        f"assigned {number:,} of {scale_max:,} articles in {total_seconds:.1f} s",
                        file=sys.stderr,
                    )
        clusterer_mb = current_rss_mb() - rss_before
        per_article = {
            str(size): round(1000.0 * spent[size] / windows[size], 3) for size in measured
        }
        smallest, largest = per_article[str(measured[0])], per_article[str(measured[-1])]
        result: dict[str, Any] = {
            "articles": scale_max,
            "originals": len(features),
            "copies": -(-scale_max // len(features)),
            "window": windows[measured[-1]],
            "ms_per_article": per_article,
            "growth": round(largest / smallest, 3) if smallest else None,
            "seconds": round(total_seconds, 3),
            "articles_per_second": (round(scale_max / total_seconds, 1) if total_seconds else None),
            "events": len(clusterer.state.events),
            "stories": len(clusterer.state.stories.stories),
            "peak_rss_mb": peak_rss_mb(),
            "clusterer_mb": round(clusterer_mb, 1),
            "enrich_seconds": round(prepared.enrich_seconds, 3),
        }
        if builder is not None:
            # the replay's figures first, so that a failure in the store half loses nothing
            print(f"replay: {json.dumps(result)}", file=sys.stderr)
            del clusterer
            result["store"] = builder.finish(placements)
    return result


def current_rss_mb() -> float:
    """Resident memory of this process now (MB), from /proc (0 where there is none)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 1024.0 / 1024.0
