"""Consolidation at the end of a clustering run: split the events that came apart and
merge those that tell one happening.

:meth:`OnlineClusterer.consolidate` decides; this module gathers the features it needs
from the store and turns its changes into the rows to save: the moved articles'
placements (with the reason added to their explanation, so ``why`` tells it), the
events and stories whose counts changed, the events merged away, and one log line per
split or merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.cluster.consolidate import MIN_PART
from storyline.cluster.features import article_features
from storyline.cluster.online import PRODUCER, Merged, Move, OnlineClusterer
from storyline.models import Article
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow, PlacementRow


@dataclass(frozen=True)
class Consolidation:
    """What to save after consolidation (empty when nothing split)."""

    placements: tuple[PlacementRow, ...] = ()
    events: tuple[ClusterRow, ...] = ()
    stories: tuple[ClusterRow, ...] = ()
    log: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()  # events merged into others


def consolidate(
    store: Store, clusterer: OnlineClusterer, event_ids: Iterable[str]
) -> Consolidation:
    """Split those of ``event_ids`` whose articles form separate groups and merge the
    events of their stories that tell one happening."""
    event_ids = list(event_ids)
    candidates = clusterer.consolidation_scope(event_ids)
    splittable = any(len(clusterer.members(e)) >= 2 * MIN_PART for e in candidates)
    if not splittable and len(candidates) < 2:
        return Consolidation()
    ids = [a for event_id in candidates for a in clusterer.members(event_id)]
    articles = {a.id: a for a in store.get_articles(ids)}
    features = {i: article_features(articles[i], store.get_enrichment(i)) for i in ids}
    changes = clusterer.consolidate(event_ids, features)
    if not changes:
        return Consolidation()
    placements: dict[str, PlacementRow] = {}
    for change in changes:
        moved = change.split.moved if isinstance(change, Move) else change.moved
        for article_id in moved:
            row = placements.get(article_id) or store.get_placement(article_id)
            if row is not None:
                placements[article_id] = _moved(row, change)
    dropped = tuple(c.merge.absorbed for c in changes if isinstance(c, Merged))
    return Consolidation(
        tuple(placements.values()),
        tuple(_events(store, clusterer, changes, articles)),
        tuple(_stories(store, changes)),
        tuple(_log_line(c) for c in changes),
        dropped,
    )


def _log_line(change: Move | Merged) -> str:
    if isinstance(change, Move):
        source, target = change.source, change.target
        return f"split: {source} -> {source}, {target} ({change.split.reason})"
    kept, absorbed = change.merge.kept, change.merge.absorbed
    return f"merge: {kept}, {absorbed} -> {kept} ({change.merge.reason})"


def _moved(row: PlacementRow, change: Move | Merged) -> PlacementRow:
    explanation = dict(row.explanation)
    if isinstance(change, Move):
        source, target = change.source, change.target
        between, within = change.split.between, change.split.within
        line = f"consolidation moved it from {source} to {target}: {change.split.reason}"
    else:
        source, target = change.merge.absorbed, change.merge.kept
        between, within = change.merge.between, change.merge.within
        line = f"consolidation merged {source} into {target}: {change.merge.reason}"
    explanation["lines"] = [*explanation.get("lines", []), line]
    explanation["moves"] = [
        *explanation.get("moves", []),
        {"from": source, "to": target, "between": between, "within": within},
    ]
    return PlacementRow(row.article_id, target, row.story_id, explanation, PRODUCER)


def _events(
    store: Store,
    clusterer: OnlineClusterer,
    changes: list[Move | Merged],
    articles: dict[str, Article],
) -> list[ClusterRow]:
    """Rows of every event a change touched and that still exists, recounted."""
    rows = []
    touched = ((c.source, c.target) if isinstance(c, Move) else (c.merge.kept,) for c in changes)
    for event_id in dict.fromkeys(e for pair in touched for e in pair):
        if event_id not in clusterer.state.events:
            continue
        members = [articles[a] for a in clusterer.members(event_id)]
        days = [a.published[:10] for a in members if a.published]
        old = store.get_cluster("event", event_id)
        title = old.title if old is not None else members[0].headline()
        story = clusterer.state.events[event_id].story
        rows.append(
            ClusterRow(
                event_id,
                title,
                min(days, default=None),
                max(days, default=None),
                len(members),
                story_id=story,
            )
        )
    return rows


def _stories(store: Store, changes: list[Move | Merged]) -> list[ClusterRow]:
    """Story rows with one more event per split and one fewer per merge inside them."""
    added: dict[str, int] = {}
    for change in changes:
        story = change.story
        if story:
            added[story] = added.get(story, 0) + (1 if isinstance(change, Move) else -1)
    rows = []
    for story_id, count in added.items():
        row = store.get_cluster("story", story_id)
        if row is not None and count:
            rows.append(
                ClusterRow(
                    row.id, row.title, row.start, row.end, row.articles, events=row.events + count
                )
            )
    return rows
