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

from storyline.errors import StoreError
from storyline.models import Article, Enrichment, Entity
from storyline.store import clusters as _clusters
from storyline.store import enrichments as _enrichments
from storyline.store import follow as _follow
from storyline.store.articles import ARTICLE_COLUMNS, ArticleMethods, article_row, relink
from storyline.store.lock import Notice, WriterLock, print_notice
from storyline.store.migrations import migrate
from storyline.store.runs import RunMethods


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore(ArticleMethods, _follow.FollowMethods, RunMethods):
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

    # --- articles ----------------------------------------------------------------------

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
                "INSERT INTO fingerprints(article_id, signature) VALUES (?, ?)",
                [(article.id, signature) for article, signature, _ in items],
            )
            conn.executemany(
                "INSERT INTO bands(key, article_id) VALUES (?, ?)",
                [(key, article.id) for article, _, bands in items for key in bands],
            )
            for old_original, new_original, kind in relinks:
                relink(conn, old_original, new_original, kind)

    # --- enrichment ----------------------------------------------------------------------

    def unenriched_ids(self, limit: int) -> list[str]:
        return _enrichments.unenriched(self._conn, limit)

    def save_enrichments(self, items: Sequence[Enrichment], entities: Sequence[Entity]) -> None:
        with self._write() as conn:
            _enrichments.save(conn, items, entities)

    def get_enrichment(self, article_id: str) -> Enrichment | None:
        return _enrichments.load(self._conn, article_id)

    def all_entities(self) -> list[Entity]:
        return _enrichments.all_entities(self._conn)

    def entity_counts(
        self, *, type: str | None = None, limit: int | None = None
    ) -> list[tuple[Entity, int, int]]:
        return _enrichments.entity_counts(self._conn, type=type, limit=limit)

    # --- events and stories -------------------------------------------------------------

    def unclustered_ids(self, limit: int) -> list[str]:
        return _clusters.unclustered(self._conn, limit)

    def load_cluster_state(self) -> tuple[str, bytes] | None:
        return _clusters.load_state(self._conn)

    def save_clusters(
        self,
        placements: Sequence[_clusters.PlacementRow],
        events: Sequence[_clusters.ClusterRow],
        state: bytes,
        producer: str,
        log: Sequence[str] = (),
        dropped: Sequence[str] = (),
        redirects: Sequence[tuple[str, str]] = (),
    ) -> None:
        with self._write() as conn:
            touched = _clusters.save(conn, placements, events, state, producer)
            _clusters.drop_events(conn, dropped)
            _clusters.recount(conn, sorted(touched))
            _clusters.retitle_stories(conn, sorted(touched))
            _clusters.log_lines(conn, log)
            _clusters.redirect(conn, redirects)

    def get_cluster(self, kind: str, cluster_id: str) -> _clusters.ClusterRow | None:
        return _clusters.get(self._conn, kind, cluster_id)

    def resolve_story(self, story_id: str) -> str | None:
        return _clusters.resolve_story(self._conn, story_id)

    def list_clusters(
        self, kind: str, *, story: str | None = None, limit: int | None = None
    ) -> list[_clusters.ClusterRow]:
        if kind == "event":
            return _clusters.events(self._conn, story=story, limit=limit)
        return _clusters.stories(self._conn, limit=limit)

    def cluster_members(self, *, story: str | None, event: str | None) -> list[str]:
        return _clusters.members(self._conn, story=story, event=event)

    def cluster_profiles(
        self, kind: str, cluster_ids: Sequence[str], top: int
    ) -> dict[str, _clusters.ClusterProfile]:
        return _clusters.profiles(self._conn, kind, cluster_ids, top)

    def get_placement(self, article_id: str) -> _clusters.PlacementRow | None:
        return _clusters.placement(self._conn, article_id)

    def reset_clusters(self) -> None:
        with self._write() as conn:
            _clusters.reset(conn)

    def log_clusters(self, lines: Sequence[str]) -> None:
        with self._write() as conn:
            _clusters.log_lines(conn, lines)
