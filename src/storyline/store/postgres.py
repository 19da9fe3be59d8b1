"""PostgreSQL implementation of the ``Store`` protocol, for stores that several people,
processes or machines share (``--db postgresql://user@host/dbname``).

The same migrations as SQLite (:mod:`storyline.store.pg_migrations`), applied on open;
the same rows and the same order for the same input. What PostgreSQL adds: ``-q`` runs
on a ``tsvector`` with a GIN index; enrichments and explanations are ``JSONB``; articles
are inserted with ``ON CONFLICT DO NOTHING``, so two ingests of one article from two
processes store it once; :meth:`PostgresStore.exclusive` is a session advisory lock
(clustering holds it from loading the clusterer state to its last save, so two writers
never interleave). Connections come from a ``psycopg_pool`` pool: one store is safe to
share between the threads of ``storyline serve``, and each method borrows a connection
for one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from storyline.errors import StoreError
from storyline.models import Article
from storyline.store.articles import ARTICLE_COLUMNS, ArticleMethods, article_row, relink
from storyline.store.clusters import ClusterMethods
from storyline.store.enrichments import EnrichmentMethods
from storyline.store.follow import FollowMethods
from storyline.store.pg_migrations import migrate
from storyline.store.pg_text import configure
from storyline.store.runs import RunMethods


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _lock_key(purpose: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``purpose``."""
    digest = hashlib.blake2b(b"storyline:" + purpose.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    head, sep, rest = url.partition("://")
    if "@" in rest:
        auth, _, host = rest.rpartition("@")
        user = auth.split(":", 1)[0]
        return f"{head}{sep}{user}@{host}"
    return url


class PostgresStore(ArticleMethods, EnrichmentMethods, ClusterMethods, FollowMethods, RunMethods):
    """A store in a PostgreSQL database, shared by any number of processes."""

    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError(
                f"the store {_redact(url)!r} is a PostgreSQL database, which needs the scale "
                "extra: pip install 'storyline[scale]'"
            ) from None
        self.url = url
        self._errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        try:
            with psycopg.connect(url, connect_timeout=10) as conn:
                configure(conn)
                migrate(conn)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot open the PostgreSQL store {_redact(url)!r}: "
                f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
                "; is the server running and does the database exist (createdb NAME)?"
            ) from None
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            open=True,
            name="storyline",
            configure=configure,
            kwargs={"autocommit": True},
        )

    # --- plumbing ----------------------------------------------------------------------

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        """A pooled connection in autocommit mode, for reads: one round trip a statement,
        no BEGIN and COMMIT around it (each statement sees the committed store)."""
        with self._pool.connection() as conn:
            yield conn

    def _reading(self) -> AbstractContextManager[Any]:
        return self._conn()

    def _writing(self) -> AbstractContextManager[Any]:
        return self._write()

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """A pooled connection inside one transaction (committed at the end of the block,
        rolled back on an error)."""
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def exclusive(self, purpose: str) -> Iterator[None]:
        """Hold the advisory lock named by ``purpose`` for the block: one holder at a
        time across every process and machine using this database."""
        key = _lock_key(purpose)
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    # --- articles ----------------------------------------------------------------------

    def change_token(self) -> object:
        """The write-ahead log's position: it moves with every commit to the server (of
        any database, so the caches over a busy server are rebuilt more often)."""
        with self._conn() as conn:
            return str(conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0])

    def _query_test(self, query: str) -> tuple[str, list[Any]]:
        # full-text search on the indexed tsvector (words, stemmed), not a scan
        return "search @@ websearch_to_tsquery('english'::regconfig, ?)", [query]

    def add_articles(
        self,
        items: Sequence[tuple[Article, bytes, Sequence[bytes]]],
        relinks: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        if not items and not relinks:
            return
        now = _now()
        marks = ", ".join(["%s"] * 25)
        with self._write() as conn, conn.cursor() as cur:
            inserted: set[str] = set()
            if items:
                cur.executemany(
                    f"INSERT INTO articles ({ARTICLE_COLUMNS}, ingested_at) VALUES ({marks}) "
                    "ON CONFLICT (id) DO NOTHING RETURNING id",
                    [(*article_row(article), now) for article, _, _ in items],
                    returning=True,
                )
                while True:
                    row = cur.fetchone()
                    if row is not None:
                        inserted.add(row[0])
                    if not cur.nextset():
                        break
            fresh = [item for item in items if item[0].id in inserted]
            if fresh:
                with cur.copy("COPY fingerprints(article_id, signature) FROM STDIN") as copy:
                    for article, signature, _ in fresh:
                        copy.write_row((article.id, signature))
                with cur.copy("COPY bands(key, article_id) FROM STDIN") as copy:
                    for article, _, bands in fresh:
                        for key in bands:
                            copy.write_row((key, article.id))
            for old_original, new_original, kind in relinks:
                relink(cur, old_original, new_original, kind)
