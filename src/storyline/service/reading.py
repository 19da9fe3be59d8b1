"""Read-only use cases: listing and showing articles, entities, figures of the store."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.errors import NotFoundError
from storyline.models import Article, Enrichment, Entity, Rejection
from storyline.store.base import ArticleFilter, Store, StoreStats


def list_articles(store: Store, article_filter: ArticleFilter | None = None) -> Sequence[Article]:
    return store.list_articles(article_filter or ArticleFilter())


def get_article(store: Store, article_id: str) -> Article:
    return store.get_article(article_id)


def store_stats(store: Store) -> StoreStats:
    return store.stats()


def rejections(store: Store, run_id: int | None = None) -> Sequence[Rejection]:
    return store.rejections(run_id)


def get_enrichment(store: Store, article_id: str) -> Enrichment | None:
    """The article's enrichment (``None`` before ``storyline enrich``); ``NotFoundError``
    for an unknown id. One query for an enriched article (an enrichment implies its
    article), never the article's text."""
    found = store.get_enrichment(article_id)
    if found is None and not store.existing_ids([article_id]):
        raise NotFoundError(
            f"no article with id {article_id!r}; `storyline articles` lists the ids"
        )
    return found


def get_enrichments(store: Store, article_ids: Sequence[str]) -> dict[str, Enrichment]:
    """Article id -> enrichment for those of ``article_ids`` enriched, in one query: what
    a page listing many articles asks instead of :func:`get_enrichment` for each."""
    return store.get_enrichments(article_ids)


def list_entities(
    store: Store, *, type: str | None = None, limit: int | None = 50
) -> Sequence[tuple[Entity, int, int]]:
    return store.entity_counts(type=type, limit=limit)
