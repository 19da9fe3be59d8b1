"""Consolidation at the end of a clustering run: split the events that came apart and
merge those that tell one happening, then the same for their stories.

:meth:`OnlineClusterer.consolidate` decides; this module gathers the features it needs
from the store and turns its changes into the rows to save: the moved articles'
placements (with the reason added to their explanation, so ``why`` tells it), the
events whose members or story changed, the events merged away, and one log line per
split or merge. The store recounts the stories those events joined or left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from storyline.cluster.changes import Change, EventMoved, Merged, Move, StoryMerged, StoryMove
from storyline.cluster.features import article_features
from storyline.cluster.online import PRODUCER, OnlineClusterer
from storyline.models import Article
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow, PlacementRow


@dataclass(frozen=True)
class Consolidation:
    """What to save after consolidation (empty when nothing split)."""

    placements: tuple[PlacementRow, ...] = ()
    events: tuple[ClusterRow, ...] = ()
    log: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()  # events merged into others
    redirects: tuple[tuple[str, str], ...] = ()  # (story merged away, story it joined)


def consolidate(
    store: Store,
    clusterer: OnlineClusterer,
    event_ids: Iterable[str],
    names: Mapping[str, str] | None = None,
) -> Consolidation:
    """Split those of ``event_ids`` whose articles form separate groups and merge the
    events of their stories that tell one happening; then split, move, merge and attach
    their stories by whole events. ``names`` (entity key -> name) words the reasons."""
    event_ids = list(event_ids)
    if not event_ids:
        return Consolidation()
    candidates = clusterer.consolidation_scope(event_ids)
    ids = [a for event_id in candidates for a in clusterer.members(event_id)]
    articles = {a.id: a for a in store.get_articles(ids)}
    features = {i: article_features(articles[i], store.get_enrichment(i)) for i in ids}
    changes = clusterer.consolidate(event_ids, features)
    if not changes:
        return Consolidation()
    placements: dict[str, PlacementRow] = {}
    for change in changes:
        for article_id in _moved_articles(clusterer, change):
            row = placements.get(article_id) or store.get_placement(article_id)
            if row is not None:
                placements[article_id] = _moved(row, change, names)
    dropped = tuple(c.merge.absorbed for c in changes if isinstance(c, Merged))
    return Consolidation(
        tuple(placements.values()),
        tuple(_events(store, clusterer, changes, articles)),
        tuple(_log_line(c, names) for c in changes),
        dropped,
        _redirects(changes),
    )


def _redirects(changes: list[Change]) -> tuple[tuple[str, str], ...]:
    """Each story that a change emptied, with the story that took its events in."""
    found: list[tuple[str, str]] = []
    for change in changes:
        if isinstance(change, StoryMerged):
            found.append((change.merge.absorbed, change.merge.kept))
        elif isinstance(change, EventMoved) and change.emptied:
            found.append((change.reassign.source, change.reassign.target))
    return tuple(found)


def _moved_articles(clusterer: OnlineClusterer, change: Change) -> tuple[str, ...]:
    if isinstance(change, Move):
        return change.split.moved
    if isinstance(change, Merged):
        return change.moved
    alive = clusterer.state.events
    return tuple(a for e in change.moved_events if e in alive for a in clusterer.members(e))


@dataclass(frozen=True)
class _Step:
    """What any change did: from which cluster to which, the scores, and why."""

    source: str
    target: str
    between: float
    within: float
    reason: str


def _step(change: Change, names: Mapping[str, str] | None = None) -> _Step:
    if isinstance(change, Move | StoryMove):
        split = change.split
        return _Step(change.source, change.target, split.between, split.within, split.reason)
    if isinstance(change, EventMoved):
        move = change.reassign
        return _Step(move.source, move.target, move.there, move.here, move.reason)
    merge = change.merge
    return _Step(merge.absorbed, merge.kept, merge.between, merge.within, merge.describe(names))


def _log_line(change: Change, names: Mapping[str, str] | None = None) -> str:
    step = _step(change, names)
    if isinstance(change, Move | StoryMove):
        return f"split: {step.source} -> {step.source}, {step.target} ({step.reason})"
    if isinstance(change, EventMoved):
        event = change.reassign.event
        return f"move: {event} {step.source} -> {step.target} ({step.reason})"
    return f"merge: {step.target}, {step.source} -> {step.target} ({step.reason})"


def _moved(
    row: PlacementRow, change: Change, names: Mapping[str, str] | None = None
) -> PlacementRow:
    explanation = dict(row.explanation)
    step = _step(change, names)
    event, story = row.event_id, row.story_id
    if isinstance(change, Move | Merged):
        event = step.target
    else:
        story = step.target
    if isinstance(change, Move):
        done = f"moved it from {step.source} to {step.target}"
    elif isinstance(change, StoryMove | EventMoved):
        done = f"moved its event {event} from {step.source} to {step.target}"
    else:
        done = f"merged {step.source} into {step.target}"
    line = f"consolidation {done}: {step.reason}"
    explanation["lines"] = [*explanation.get("lines", []), line]
    explanation["moves"] = [
        *explanation.get("moves", []),
        {"from": step.source, "to": step.target, "between": step.between, "within": step.within},
    ]
    return PlacementRow(row.article_id, event, story, explanation, PRODUCER)


def _events(
    store: Store,
    clusterer: OnlineClusterer,
    changes: list[Change],
    articles: dict[str, Article],
) -> list[ClusterRow]:
    """Rows of every event a change touched and that still exists: recounted when its
    members changed, moved to its new story when its story did."""
    state = clusterer.state
    rows: dict[str, ClusterRow] = {}
    for change in changes:
        if isinstance(change, Move | Merged):
            pair = (
                (change.source, change.target) if isinstance(change, Move) else (change.merge.kept,)
            )
            for event_id in pair:
                if event_id in state.events:
                    rows[event_id] = _counted(store, clusterer, event_id, articles)
    for change in changes:
        if isinstance(change, StoryMove | StoryMerged | EventMoved):
            for event_id in change.moved_events:
                if event_id not in state.events:
                    continue
                row = rows.get(event_id) or store.get_cluster("event", event_id)
                if row is not None:
                    rows[event_id] = replace(row, story_id=state.events[event_id].story)
    return list(rows.values())


def _counted(
    store: Store, clusterer: OnlineClusterer, event_id: str, articles: dict[str, Article]
) -> ClusterRow:
    members = [articles[a] for a in clusterer.members(event_id)]
    days = [a.published[:10] for a in members if a.published]
    old = store.get_cluster("event", event_id)
    title = old.title if old is not None else members[0].headline()
    return ClusterRow(
        event_id,
        title,
        min(days, default=None),
        max(days, default=None),
        len(members),
        story_id=clusterer.state.events[event_id].story,
    )
