"""Issue 19: the trigram index (SQLite migration 7) narrows substring search without
changing its answers; search totals are counted in SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.models import Article
from storyline.store.base import ArticleFilter, Store
from storyline.store.sqlite import SQLiteStore

TEXTS = [
    ("a1", "Flood hits Millbrook", "Heavy rain flooded the river town of Millbrook on Monday."),
    ("a2", None, 'MILLBROOK began cleaning up; the mayor said "never again" twice.'),
    ("a3", "Élection à Genève", "Les électeurs de GENÈVE ont voté dimanche; ÉLECTION calme."),
    ("a4", "Quotes", 'He said "AND" OR NOT NEAR(x) * ^ -- the parser must not see syntax.'),
    ("a5", "Hostile <script>", "<script>alert(1)</script> x\x00y \u202e bidi \u0301\u0301 mark"),
    ("a6", "Short", "ab cd ef: a story about the river."),
    ("a7", "Nul\x00 title", "text cut\x00 by a NUL before Millbrook and the river"),
]

QUERIES = [
    "millbrook",
    "MILLBROOK",
    "river town",
    "rain flooded",
    "ill",
    "ab",
    "a",
    "e",
    "genève",
    "GENÈVE",
    "élection",
    '"and"',
    'and" or',
    "near(x)",
    "*",
    "^ --",
    "<script>",
    "x\x00y",
    "\u202e bidi",
    "nothing here at all",
    "the",
    "'",
    "on monday.",
]


def _article(article_id: str, title: str | None, text: str) -> Article:
    return Article(article_id, text, text, title=title, origin="test", content_hash=article_id)


def _fill(store: SQLiteStore) -> None:
    items = [
        (_article(i, t, x), b"sig-" + i.encode(), [b"band-" + i.encode()]) for i, t, x in TEXTS
    ]
    store.add_articles(items)


def _scan(query: str) -> list[str]:
    """What the store answered before the index: SQLite's lower() folds ASCII only."""

    def lower(text: str) -> str:
        return "".join(c.lower() if c.isascii() else c for c in text)

    wanted = query.lower()
    return sorted(i for i, t, x in TEXTS if wanted in lower(t or "") or wanted in lower(x))


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "s.db")
    _fill(store)
    return store


@pytest.mark.parametrize("query", QUERIES)
def test_indexed_search_answers_as_the_scan_did(store: SQLiteStore, query: str) -> None:
    found = store.list_articles(ArticleFilter(query=query, limit=None))
    assert sorted(a.id for a in found) == _scan(query)
    assert store.count_matching(ArticleFilter(query=query, limit=None), cap=100) == len(found)


def test_counts_stop_at_the_cap(store: SQLiteStore) -> None:
    assert store.count_matching(ArticleFilter(limit=None), cap=4) == 4
    assert store.count_matching(ArticleFilter(limit=None), cap=100) == len(TEXTS)
    assert store.count_matching(ArticleFilter(query="river", limit=None), cap=1) == 1


def test_the_index_is_used_for_long_ascii_queries(store: SQLiteStore) -> None:
    plan = store._conn.execute(  # the plan of the query list_articles runs
        "EXPLAIN QUERY PLAN SELECT id FROM articles WHERE seq IN "
        "(SELECT rowid FROM article_text WHERE article_text MATCH ?)",
        ('"millbrook"',),
    ).fetchall()
    assert any("article_text" in str(row[-1]) and "VIRTUAL" in str(row[-1]) for row in plan)


def test_migration_7_indexes_the_articles_already_stored(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = SQLiteStore(db)
    _fill(store)
    store.close()
    conn = sqlite3.connect(db)  # back to a version-5 store holding the articles
    conn.executescript(
        "DROP TABLE article_text; DROP INDEX articles_seq; DELETE FROM migrations WHERE version = 7"
    )
    conn.close()
    reopened = SQLiteStore(db)
    for query in ("millbrook", "by a nul", "the river"):
        found = reopened.list_articles(ArticleFilter(query=query, limit=None))
        assert sorted(a.id for a in found) == _scan(query)
    (rows,) = reopened._conn.execute("SELECT COUNT(*) FROM article_text").fetchone()
    assert rows == len(TEXTS)
    reopened.close()


def test_change_token_moves_with_every_commit(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    reader, writer = SQLiteStore(db), SQLiteStore(db)
    first = reader.change_token()
    assert reader.change_token() == first  # nothing committed in between
    writer.add_articles([(_article("w1", None, "written by another connection"), b"s", [b"b"])])
    second = reader.change_token()
    assert second != first
    reader.add_articles([(_article("w2", None, "written by this connection"), b"t", [b"c"])])
    assert reader.change_token() != second  # its own commit moves it too
    reader.close()
    writer.close()


@pytest.fixture(params=["sqlite", "postgres"])
def either(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        made: Store = SQLiteStore(tmp_path / "either.db")
    else:
        pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")
        from storyline.store.postgres import PostgresStore

        made = PostgresStore(request.getfixturevalue("pg_url"))
    try:
        yield made
    finally:
        made.close()


def test_both_stores_count_and_move_their_token_alike(either: Store) -> None:
    token = either.change_token()
    either.add_articles(
        [
            (_article("p1", "Flood", "Heavy rain flooded Millbrook on Monday."), b"s1", [b"b1"]),
            (
                _article("p2", "Vote", "Harlow elected a council; Millbrook did not."),
                b"s2",
                [b"b2"],
            ),
            (_article("p3", "Aid", "The state sent aid to the valley."), b"s3", [b"b3"]),
        ]
    )
    assert either.change_token() != token
    for query, cap, expected in [("millbrook", 10, 2), ("millbrook", 1, 1), (None, 10, 3)]:
        article_filter = ArticleFilter(query=query, limit=None)
        assert either.count_matching(article_filter, cap) == expected
        listed = either.list_articles(article_filter)
        assert either.count_matching(article_filter, 100) == len(listed)
