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

__all__ = [
    "EntityPage",
    "Snippet",
    "count_articles",
    "entity_page",
    "find_entity",
    "search_articles",
    "snippet",
]

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


def count_articles(
    store: Store,
    query: str | None,
    entity: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    *,
    cap: int,
) -> int:
    """How many articles :func:`search_articles` finds, counted up to ``cap``."""
    if not entity:
        article_filter = service.ArticleFilter(
            source=source, since=since, until=until, query=query, limit=None
        )
        return store.count_matching(article_filter, cap)
    return len(search_articles(store, query, entity, source, since, until, cap))


@dataclass(frozen=True)
class Snippet:
    """A piece of an article around the first hit of the query: text before, the hit,
    text after (plain text: the template escapes each part)."""

    before: str
    hit: str
    after: str


def snippet(article: Article, query: str, width: int = 90) -> Snippet | None:
    """The text around the first case-insensitive hit of ``query`` in ``article``."""
    wanted = query.strip().lower()
    if not wanted:
        return None
    at = article.text.lower().find(wanted)
    if at < 0:
        return None
    start, end = max(0, at - width), min(len(article.text), at + len(wanted) + width)
    if start > 0 and " " in article.text[start:at]:
        start = article.text.index(" ", start) + 1
    if end < len(article.text) and " " in article.text[at + len(wanted) : end]:
        end = article.text.rindex(" ", 0, end)
    before = ("…" if start > 0 else "") + " ".join(article.text[start:at].split())
    after = " ".join(article.text[at + len(wanted) : end].split())
    hit = article.text[at : at + len(wanted)]
    return Snippet(
        before + (" " if article.text[at - 1 : at].isspace() else ""),
        hit,
        (" " if article.text[at + len(wanted) : at + len(wanted) + 1].isspace() else "")
        + after
        + ("…" if end < len(article.text) else ""),
    )


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
