"""Consolidation at the end of a clustering run: split the events that came apart.

:meth:`OnlineClusterer.consolidate` decides; this module gathers the features it needs
from the store and turns its moves into the rows to save: the moved articles'
placements (with the reason added to their explanation, so ``why`` tells it), the
events and stories whose counts changed, and one log line per split.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.cluster.consolidate import MIN_PART
from storyline.cluster.features import article_features
from storyline.cluster.online import PRODUCER, Move, OnlineClusterer
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


def consolidate(
    store: Store, clusterer: OnlineClusterer, event_ids: Iterable[str]
) -> Consolidation:
    """Split those of ``event_ids`` whose articles form separate groups."""
    candidates = [e for e in set(event_ids) if len(clusterer.members(e)) >= 2 * MIN_PART]
    if not candidates:
        return Consolidation()
    ids = [a for event_id in candidates for a in clusterer.members(event_id)]
    articles = {a.id: a for a in store.get_articles(ids)}
    features = {i: article_features(articles[i], store.get_enrichment(i)) for i in ids}
    moves = clusterer.consolidate(candidates, features)
    if not moves:
        return Consolidation()
    placements: dict[str, PlacementRow] = {}
    for move in moves:
        for article_id in move.split.moved:
            row = placements.get(article_id) or store.get_placement(article_id)
            if row is not None:
                placements[article_id] = _moved(row, move)
    return Consolidation(
        tuple(placements.values()),
        tuple(_events(store, clusterer, moves, articles)),
        tuple(_stories(store, moves)),
        tuple(f"split: {m.source} -> {m.source}, {m.target} ({m.split.reason})" for m in moves),
    )


def _moved(row: PlacementRow, move: Move) -> PlacementRow:
    explanation = dict(row.explanation)
    line = f"consolidation moved it from {move.source} to {move.target}: {move.split.reason}"
    explanation["lines"] = [*explanation.get("lines", []), line]
    explanation["moves"] = [
        *explanation.get("moves", []),
        {
            "from": move.source,
            "to": move.target,
            "between": move.split.between,
            "within": move.split.within,
        },
    ]
    return PlacementRow(row.article_id, move.target, row.story_id, explanation, PRODUCER)


def _events(
    store: Store, clusterer: OnlineClusterer, moves: list[Move], articles: dict[str, Article]
) -> list[ClusterRow]:
    """Rows of every event a move touched, recounted from its members."""
    rows = []
    for event_id in dict.fromkeys(e for m in moves for e in (m.source, m.target)):
        members = [articles[a] for a in clusterer.members(event_id)]
        days = [a.published[:10] for a in members if a.published]
        old = store.get_cluster("event", event_id)
        title = old.title if old is not None else (members[0].title or members[0].text[:80])
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


def _stories(store: Store, moves: list[Move]) -> list[ClusterRow]:
    """Story rows with one more event per split inside them."""
    added: dict[str, int] = {}
    for move in moves:
        story = move.story
        if story:
            added[story] = added.get(story, 0) + 1
    rows = []
    for story_id, count in added.items():
        row = store.get_cluster("story", story_id)
        if row is not None:
            rows.append(
                ClusterRow(
                    row.id, row.title, row.start, row.end, row.articles, events=row.events + count
                )
            )
    return rows
