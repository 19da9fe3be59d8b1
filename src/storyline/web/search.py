"""Searching articles by text and entity, and what the entity page shows.

The store has no index of mentions by entity yet, so an entity filter first narrows
the candidates to articles whose text holds the entity's name (the store's text
filter), then keeps those whose enrichment resolves a mention to the entity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline import service
from storyline.errors import NotFoundError
from storyline.models import Article, Entity, Quote
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow

__all__ = ["EntityPage", "entity_page", "find_entity", "search_articles"]

_CANDIDATES = 500


def find_entity(store: Store, key_or_name: str) -> Entity:
    """The entity with this key, or else with this name (case-insensitive)."""
    wanted = key_or_name.strip().lower()
    named: Entity | None = None
    for entity, _, _ in service.list_entities(store, limit=None):
        if entity.key == key_or_name:
            return entity
        if named is None and entity.name.lower() == wanted:
            named = entity
    if named is None:
        raise NotFoundError(
            f"no entity {key_or_name!r}; `storyline entities` (or /api/entities) lists them"
        )
    return named


def _mentions(store: Store, article: Article, key: str) -> bool:
    enrichment = store.get_enrichment(article.id)
    return enrichment is not None and any(m.entity == key for m in enrichment.mentions)


def search_articles(
    store: Store,
    query: str | None,
    entity: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int = 0,
) -> list[Article]:
    """Articles matching the text query and mentioning the entity, oldest first."""
    if not entity:
        article_filter = service.ArticleFilter(
            source=source, since=since, until=until, query=query, limit=limit, offset=offset
        )
        return list(service.list_articles(store, article_filter))
    found = find_entity(store, entity)
    candidates = service.list_articles(
        store,
        service.ArticleFilter(
            source=source, since=since, until=until, query=found.name, limit=_CANDIDATES
        ),
    )
    lowered = (query or "").lower()
    kept = [
        a
        for a in candidates
        if (not lowered or lowered in f"{a.title or ''}\n{a.text}".lower())
        and _mentions(store, a, found.key)
    ]
    return kept[offset : offset + limit]


@dataclass(frozen=True)
class EntityPage:
    entity: Entity
    articles: Sequence[Article]
    stories: Sequence[ClusterRow]
    quotes: Sequence[tuple[Article, Quote]] = field(default_factory=tuple)


def entity_page(store: Store, key_or_name: str, limit: int = 100) -> EntityPage:
    """The entity, the articles and stories that mention it, and its quotes."""
    entity = find_entity(store, key_or_name)
    articles = search_articles(store, None, entity.key, None, None, None, limit)
    stories: dict[str, ClusterRow] = {}
    quotes: list[tuple[Article, Quote]] = []
    for article in articles:
        enrichment = store.get_enrichment(article.id)
        if enrichment is not None:
            quotes += [(article, q) for q in enrichment.quotes if q.speaker_entity == entity.key]
        placement = store.get_placement(article.id)
        if placement is not None and placement.story_id not in stories:
            row = store.get_cluster("story", placement.story_id)
            if row is not None:
                stories[row.id] = row
    return EntityPage(entity, articles, list(stories.values()), quotes)
