"""Organising the stream: articles into events, events into stories, online.

``cluster`` places every enriched article not placed yet, in publication order (ties and
nulls by id), with the clusterer state saved in the store after each batch, so the next
run goes on where this one stopped. Each placement keeps its explanation (shared
entities, terms, places, time gap, scores against the threshold) for ``why``.
Every run ends with a consolidation of the events it touched
(:mod:`storyline.service.consolidation`): an event whose articles form two clearly
separate groups is split, and events of one story that tell one happening are merged,
each change logged with its reason. ``recluster`` rebuilds every placement from scratch and
logs each merge and split against the old placements.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from storyline.cluster.explain import describe
from storyline.cluster.features import article_features
from storyline.cluster.online import (
    PRODUCER,
    ClusterState,
    OnlineClusterer,
    state_from_dict,
    state_to_dict,
)
from storyline.cluster.params import params_from_settings
from storyline.cluster.placement import Placement
from storyline.display import id_key
from storyline.errors import InputError, NotFoundError, StoreError
from storyline.models import Article
from storyline.service.common import Progress
from storyline.service.consolidation import consolidate
from storyline.settings import Settings
from storyline.store.base import Store
from storyline.store.clusters import ClusterDetail, ClusterProfile, ClusterRow, PlacementRow

_BATCH = 500


def _dump_state(state: ClusterState) -> bytes:
    return json.dumps(state_to_dict(state), separators=(",", ":")).encode("utf-8")


def _load_state(store: Store) -> ClusterState | None:
    saved = store.load_cluster_state()
    if saved is None:
        return None
    try:
        return state_from_dict(json.loads(saved[1]))
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"the saved clusterer state cannot be read ({exc}); run `storyline recluster` "
            "to rebuild events and stories from the articles"
        ) from None


@dataclass(frozen=True)
class ClusterReport:
    articles: int
    new_events: int
    new_stories: int
    seconds: float
    log: tuple[str, ...] = field(default_factory=tuple)


def _explanation(placement: Placement, names: dict[str, str]) -> dict[str, Any]:
    def scored(items: Sequence[Any]) -> list[dict[str, Any]]:
        return [{"id": s.cluster_id, "score": s.score} for s in items[:5]]

    return {
        "lines": describe(placement, names),
        "new_event": placement.new_event,
        "new_story": placement.new_story,
        "threshold": placement.event_threshold,
        "score": placement.score,
        "duplicate_of": placement.duplicate_of,
        "event_candidates": scored(placement.candidates),
        "story_candidates": scored(placement.story_candidates),
        "event_evidence": asdict(placement.event_evidence) if placement.event_evidence else None,
        "story_evidence": asdict(placement.story_evidence) if placement.story_evidence else None,
    }


class _Rows:
    """Event rows touched by a batch, updated as articles are placed (the store recounts
    the stories from their events)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.events: dict[str, ClusterRow] = {}

    def add(self, article: Article, placement: Placement) -> None:
        day = article.published[:10] if article.published else None
        event = self.events.get(placement.event_id) or self.store.get_cluster(
            "event", placement.event_id
        )
        if event is None:
            event = ClusterRow(
                placement.event_id, article.headline(), day, day, 0, story_id=placement.story_id
            )
        elif article.title and not _headline_like(event.title):
            # the event was named after an untitled article's first sentence, cut short or
            # a fragment: the first real headline that joins it names it
            event = replace(event, title=article.title)
        self.events[event.id] = _widen(event, day)


def _headline_like(title: str) -> bool:
    """A whole line that reads as a headline: not cut short ("…"), not a fragment."""
    return bool(title) and not title.endswith("…") and not title[:1].islower()


def _widen(row: ClusterRow, day: str | None) -> ClusterRow:
    """``row`` with one more article, of ``day``."""
    start = min(d for d in (row.start, day) if d) if (row.start or day) else None
    end = max(d for d in (row.end, day) if d) if (row.end or day) else None
    return ClusterRow(row.id, row.title, start, end, row.articles + 1, story_id=row.story_id)


def cluster(store: Store, settings: Settings, *, progress: Progress | None = None) -> ClusterReport:
    """Place every enriched, unplaced article into an event and a story.

    The clusterer state is one ordered stream, loaded, extended and saved back under the
    store's ``"cluster"`` writer lock, so two processes clustering one shared store take
    turns (the second places what the first left) and never start from the same state."""
    with store.exclusive("cluster"):
        return _cluster(store, settings, progress=progress)


def _cluster(store: Store, settings: Settings, *, progress: Progress | None) -> ClusterReport:
    started = time.perf_counter()
    params = params_from_settings(settings)
    clusterer = OnlineClusterer(params, _load_state(store))
    names = {e.key: e.name for e in store.all_entities()}
    done = new_events = new_stories = 0
    total = len(store.unclustered_ids(2**62)) if progress is not None else 0
    if progress is not None and total:
        progress(0, total)
    touched: set[str] = set()
    while ids := store.unclustered_ids(_BATCH):
        rows = _Rows(store)
        placements: list[PlacementRow] = []
        for article in store.get_articles(ids):
            placement = clusterer.assign(
                article_features(article, store.get_enrichment(article.id))
            )
            rows.add(article, placement)
            touched.add(placement.event_id)
            new_events += placement.new_event
            new_stories += placement.new_story
            placements.append(
                PlacementRow(
                    article.id,
                    placement.event_id,
                    placement.story_id,
                    _explanation(placement, names),
                    PRODUCER,
                )
            )
        store.save_clusters(
            placements,
            list(rows.events.values()),
            _dump_state(clusterer.state),
            PRODUCER,
        )
        done += len(placements)
        if progress is not None:
            progress(done, max(total, done))
    found = consolidate(store, clusterer, touched, names)
    if clusterer.retire() or found.log:
        store.save_clusters(
            found.placements,
            found.events,
            _dump_state(clusterer.state),
            PRODUCER,
            found.log,
            found.dropped,
            found.redirects,
        )
    return ClusterReport(done, new_events, new_stories, time.perf_counter() - started, found.log)


def recluster(
    store: Store, settings: Settings, *, progress: Progress | None = None
) -> ClusterReport:
    """Rebuild every placement from scratch; log each merge and split against the old ones."""
    with store.exclusive("cluster"):
        before = store.placements()
        store.reset_clusters()
        report = _cluster(store, settings, progress=progress)
        after = store.placements()
        lines = _changes(before, after)
        store.log_clusters(lines)
    return ClusterReport(
        report.articles,
        report.new_events,
        report.new_stories,
        report.seconds,
        (*report.log, *lines),
    )


def _changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Merges (a new event holds articles of several old ones) and splits (the reverse)."""
    new_from: dict[str, set[str]] = defaultdict(set)
    old_to: dict[str, set[str]] = defaultdict(set)
    for article_id, new_event in after.items():
        old_event = before.get(article_id)
        if old_event is not None:
            new_from[new_event].add(old_event)
            old_to[old_event].add(new_event)
    lines = [
        f"merge: {', '.join(sorted(olds))} -> {new} (their articles now score above "
        "the event threshold together)"
        for new, olds in sorted(new_from.items())
        if len(olds) > 1
    ]
    lines += [
        f"split: {old} -> {', '.join(sorted(news))} (its articles no longer all reach the "
        "event threshold together)"
        for old, news in sorted(old_to.items())
        if len(news) > 1
    ]
    return lines


def cluster_article_ids(store: Store, *, story: str | None, event: str | None) -> list[str]:
    kind, cluster_id = ("event", event) if event else ("story", story)
    row = get_cluster(store, kind, cluster_id or "")  # NotFoundError for an unknown id
    return _member_ids(store, kind, row.id)


def _member_ids(store: Store, kind: str, cluster_id: str) -> list[str]:
    if kind == "event":
        return list(store.cluster_members(story=None, event=cluster_id))
    return list(store.cluster_members(story=cluster_id, event=None))


def cluster_title(store: Store, *, story: str | None, event: str | None) -> str:
    kind, cluster_id = ("event", event) if event else ("story", story)
    return get_cluster(store, kind, cluster_id or "").title


STORY_ORDERS = ("recent", "size", "id")


def _ordered(rows: Sequence[ClusterRow], sort: str, limit: int | None) -> Sequence[ClusterRow]:
    if sort not in STORY_ORDERS:
        raise InputError(f"unknown order {sort!r}; choose one of: {', '.join(STORY_ORDERS)}")
    if sort == "size":
        rows = sorted(rows, key=lambda r: (-r.articles, id_key(r.id)))
    elif sort == "id":
        rows = sorted(rows, key=lambda r: id_key(r.id))
    return rows if limit is None else rows[:limit]


def list_stories(
    store: Store, *, limit: int | None = 50, sort: str = "recent"
) -> Sequence[ClusterRow]:
    """Stories, most recently active first (``sort`` "recent"), largest first ("size") or
    by id ("id"), ids ordered by their numbers (story-2 before story-19)."""
    if sort == "recent":
        return store.list_clusters("story", limit=limit)
    return _ordered(store.list_clusters("story", limit=None), sort, limit)


def list_events(
    store: Store, *, story: str | None = None, limit: int | None = 50, sort: str = "recent"
) -> Sequence[ClusterRow]:
    """Events (of one ``story``), in the orders of :func:`list_stories`."""
    if sort == "recent":
        return store.list_clusters("event", story=story, limit=limit)
    return _ordered(store.list_clusters("event", story=story, limit=None), sort, limit)


def cluster_profiles(
    store: Store, kind: str, rows: Sequence[ClusterRow], top: int = 5
) -> dict[str, ClusterProfile]:
    """Per event (``kind="event"``) or story of ``rows``: the outlets that cover it, with
    their article counts, and its ``top`` entities (named by many of its articles and by
    few others in the store)."""
    return store.cluster_profiles(kind, [row.id for row in rows], top)


def cluster_details(
    store: Store, kind: str, rows: Sequence[ClusterRow], *, with_ids: bool = True, top: int = 5
) -> list[ClusterDetail]:
    """``rows`` (events or stories, as ``kind`` says) with their profiles
    (:func:`cluster_profiles`) and, ``with_ids``, their articles' ids."""
    profiles = cluster_profiles(store, kind, rows, top)
    return [
        ClusterDetail(
            kind,
            row,
            profiles[row.id],
            tuple(_member_ids(store, kind, row.id)) if with_ids else None,
        )
        for row in rows
    ]


_LISTING = {"event": "events", "story": "stories"}


def get_cluster(store: Store, kind: str, cluster_id: str) -> ClusterRow:
    """An event or a story by id. A story merged into another is found under its old id
    too: the row returned is then the story it joined (its ``id`` differs from the one
    asked for)."""
    row = store.get_cluster(kind, cluster_id)
    if row is None and kind == "story":
        current = store.resolve_story(cluster_id)
        row = store.get_cluster(kind, current) if current is not None else None
    if row is None:
        raise NotFoundError(
            f"no {kind} with id {cluster_id!r}; `storyline {_LISTING.get(kind, kind)}` lists them"
        )
    return row


def why(store: Store, article_id: str) -> PlacementRow:
    """Why an article sits in its event and story (its saved explanation)."""
    store.get_article(article_id)  # NotFoundError for an unknown id
    row = store.get_placement(article_id)
    if row is None:
        raise NotFoundError(
            f"article {article_id!r} is not placed in an event yet; run `storyline cluster`"
        )
    return row


@dataclass(frozen=True)
class Similarity:
    """Two articles rated on the SemEval-2022 Task 8 scale (1 = same story .. 4 = unrelated)."""

    first: str
    second: str
    score: float
    terms: float
    entities: float
    shared_entities: tuple[str, ...]


def similar(store: Store, first: str, second: str) -> Similarity:
    """Rate two stored articles with the clustering signals (IDF from the saved state)."""
    from storyline.cluster.similarity import Vocabulary, pair_score

    features = []
    for article_id in (first, second):
        article = store.get_article(article_id)
        features.append(article_features(article, store.get_enrichment(article_id)))
    saved = _load_state(store)
    vocab = saved.vocab if saved else Vocabulary()
    if saved is None:
        for item in features:
            vocab.add(item)
    score, signals = pair_score(features[0], features[1], vocab)
    names = {e.key: e.name for e in store.all_entities()}
    shared = sorted(set(features[0].entities) & set(features[1].entities))
    return Similarity(
        first,
        second,
        round(score, 3),
        round(signals.terms, 3),
        round(signals.entities, 3),
        tuple(names.get(key, key) for key in shared),
    )
