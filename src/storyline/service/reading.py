"""Read-only use cases: listing and showing articles, entities, figures of the store."""

from __future__ import annotations

from collections.abc import Sequence

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
    store.get_article(article_id)  # raises NotFoundError for an unknown id
    return store.get_enrichment(article_id)


def list_entities(
    store: Store, *, type: str | None = None, limit: int | None = 50
) -> Sequence[tuple[Entity, int, int]]:
    return store.entity_counts(type=type, limit=limit)
