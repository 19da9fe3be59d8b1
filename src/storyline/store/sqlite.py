"""SQLite implementation of the ``Store`` protocol: one file, WAL, recorded migrations.

One connection owns the database; every write runs in an explicit ``BEGIN IMMEDIATE``
transaction, so a crash or kill leaves the store as of the last committed batch.
``SQLiteStore(memory=True)`` gives an in-memory store for tests.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.errors import StoreError
from storyline.ingest.files import safe_text
from storyline.models import Article
from storyline.store.articles import ARTICLE_COLUMNS, ArticleMethods, article_row, relink
from storyline.store.clusters import ClusterMethods
from storyline.store.enrichments import EnrichmentMethods
from storyline.store.follow import FollowMethods
from storyline.store.lock import Notice, WriterLock, print_notice
from storyline.store.migrations import migrate
from storyline.store.runs import RunMethods


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore(ArticleMethods, EnrichmentMethods, ClusterMethods, FollowMethods, RunMethods):
    """The default store: a single SQLite file (or memory, for tests)."""

    def __init__(
        self,
        path: str | Path = "storyline.db",
        *,
        memory: bool = False,
        notice: Notice = print_notice,
    ) -> None:
        """``notice`` receives the line a writer says when it waits for another."""
        self.path = ":memory:" if memory else str(path)
        if not memory:
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreError(
                    f"cannot create the store {self.path!r}: folder {str(parent)!r} does not "
                    "exist; create it or choose another --db path"
                )
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the store {self.path!r}: {exc}; is it a storyline database?"
            ) from None
        self._write_lock = threading.Lock()
        self._commits = 0
        self._writer = WriterLock(None if memory else self.path + ".lock", notice)

    # --- plumbing ----------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def exclusive(self, purpose: str) -> contextlib.AbstractContextManager[None]:
        """Hold the writer lock (a ``flock`` on ``<db>.lock``) for one writing pass."""
        return self._writer.hold(purpose)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        yield self._conn

    def _writing(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._write()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._commits += 1  # data_version only counts the other connections' commits

    def change_token(self) -> object:
        (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        return (int(version), self._commits)

    # --- articles ----------------------------------------------------------------------

    def _query_test(self, query: str) -> tuple[str, list[Any]]:
        wanted = query.lower()
        test, args = super()._query_test(query)
        if len(wanted) >= 3 and wanted.isascii() and "\x00" not in wanted:
            # the trigram index narrows the candidates (its case folding matches at least
            # what lower() does on ASCII); instr() keeps exactly the same matches
            narrow = "seq IN (SELECT rowid FROM article_text WHERE article_text MATCH ?)"
            return f"{narrow} AND {test}", ['"' + wanted.replace('"', '""') + '"', *args]
        return test, args

    def add_articles(
        self,
        items: Sequence[tuple[Article, bytes, Sequence[bytes]]],
        relinks: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        if not items and not relinks:
            return
        now = _now()
        with self._write() as conn:
            seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])
            conn.executemany(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, seq, ingested_at) "
                "VALUES (" + ",".join("?" * 26) + ")",
                [
                    (*article_row(article), seq + n, now)
                    for n, (article, _, _) in enumerate(items, start=1)
                ],
            )
            conn.executemany(
                "INSERT INTO article_text(rowid, title, text) VALUES (?, ?, ?)",
                [
                    (seq + n, _indexable(article.title or ""), _indexable(article.text))
                    for n, (article, _, _) in enumerate(items, start=1)
                ],
            )
            conn.executemany(
                "INSERT INTO fingerprints(article_id, signature) VALUES (?, ?)",
                [(article.id, signature) for article, signature, _ in items],
            )
            conn.executemany(
                "INSERT INTO bands(key, article_id) VALUES (?, ?)",
                [(key, article.id) for article, _, bands in items for key in bands],
            )
            for old_original, new_original, kind in relinks:
                relink(conn, old_original, new_original, kind)


def _indexable(text: str) -> str:
    """Text as the trigram index takes it: FTS5 stops reading at a NUL, so each NUL
    becomes U+FFFD (no query that uses the index holds either); lone surrogates, which
    cannot be encoded, are replaced as in the articles table."""
    text = safe_text(text)
    return text.replace("\x00", "\ufffd") if "\x00" in text else text
