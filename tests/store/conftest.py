"""What the store tests share: ``store``, each test once on SQLite and once on a real
PostgreSQL server (the session's throwaway cluster, tests/pgserver.py), and articles
with their fingerprints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storyline.ingest.dedupe import fingerprint
from storyline.models import Article
from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "sqlite":
        made: Store = SQLiteStore(memory=True)
    else:
        pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")
        from storyline.store.postgres import PostgresStore

        made = PostgresStore(request.getfixturevalue("pg_url"))
    try:
        yield made
    finally:
        made.close()


def stored_article(
    article_id: str, text: str, **kw: object
) -> tuple[Article, bytes, tuple[bytes, ...]]:
    """An article as ``add_articles`` takes it: with its MinHash signature and bands."""
    fp = fingerprint(text, threshold=0.8, num_perm=64)
    article = Article(id=article_id, text=text, raw=text, content_hash=fp.content_hash, **kw)  # type: ignore[arg-type]
    return article, fp.signature, fp.bands
