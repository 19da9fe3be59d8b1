"""SQLite implementation of the ``Store`` protocol: one file, WAL, recorded migrations.

One connection owns the database; every write runs in an explicit ``BEGIN IMMEDIATE``
transaction, so a crash or kill leaves the store as of the last committed batch.
``SQLiteStore(memory=True)`` gives an in-memory store for tests.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.errors import NotFoundError, StoreError
from storyline.ingest.files import safe_text
from storyline.models import Article, Edit, Enrichment, Entity
from storyline.store import clusters as _clusters
from storyline.store import enrichments as _enrichments
from storyline.store import follow as _follow
from storyline.store.base import ArticleFilter, StoredSignature, StoreStats
from storyline.store.lock import Notice, WriterLock, print_notice
from storyline.store.migrations import migrate
from storyline.store.runs import RunMethods

_ARTICLE_COLUMNS = (
    "id, title, text, raw, edits, published, updated, source, url, language, authors, "
    "contributors, credits, captions, dateline, description, origin, format, html, "
    "content_hash, duplicate_of, duplicate_kind, labels, words"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore(_follow.FollowMethods, RunMethods):
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

    # --- articles ----------------------------------------------------------------------

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def find_by_hash(self, content_hash: str) -> Sequence[tuple[str, str | None]]:
        rows = self._conn.execute(
            "SELECT id, published FROM articles "
            "WHERE content_hash = ? AND duplicate_of IS NULL ORDER BY seq",
            (content_hash,),
        )
        return [(row[0], row[1]) for row in rows]

    def find_by_bands(self, keys: Sequence[bytes]) -> Sequence[StoredSignature]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        ids = [
            row[0]
            for row in self._conn.execute(
                f"SELECT DISTINCT article_id FROM bands WHERE key IN ({marks})", list(keys)
            )
        ]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._conn.execute(
            "SELECT a.id, a.published, f.signature FROM articles a "
            "JOIN fingerprints f ON f.article_id = a.id "
            f"WHERE a.id IN ({marks}) AND a.duplicate_of IS NULL ORDER BY a.seq",
            ids,
        )
        return [StoredSignature(row[0], row[1], row[2]) for row in rows]

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
            for article, signature, bands in items:
                seq += 1
                conn.execute(
                    f"INSERT INTO articles ({_ARTICLE_COLUMNS}, seq, ingested_at) "
                    "VALUES (" + ",".join("?" * 26) + ")",
                    (*_safe_row(_article_row(article)), seq, now),
                )
                conn.execute(
                    "INSERT INTO article_text(rowid, title, text) VALUES (?, ?, ?)",
                    (seq, _indexable(article.title or ""), _indexable(article.text)),
                )
                conn.execute(
                    "INSERT INTO fingerprints(article_id, signature) VALUES (?, ?)",
                    (article.id, signature),
                )
                conn.executemany(
                    "INSERT INTO bands(key, article_id) VALUES (?, ?)",
                    [(key, article.id) for key in bands],
                )
            for old_original, new_original, kind in relinks:
                _relink(conn, old_original, new_original, kind)

    def relink_duplicates(self, old_original: str, new_original: str, kind: str) -> None:
        with self._write() as conn:
            _relink(conn, old_original, new_original, kind)

    def fill_metadata(
        self, article_id: str, *, published: str | None = None, source: str | None = None
    ) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE articles SET published = COALESCE(published, ?), "
                "source = COALESCE(source, ?) WHERE id = ?",
                (published, source, article_id),
            )

    def get_article(self, article_id: str) -> Article:
        row = self._conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no article with id {article_id!r}; `storyline articles` lists the ids"
            )
        return _article_from_row(row)

    def list_articles(self, article_filter: ArticleFilter) -> Sequence[Article]:
        where, args = _article_where(article_filter)
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles{where}"
        sql += " ORDER BY published IS NULL, published, id"
        if article_filter.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [article_filter.limit, article_filter.offset]
        return [_article_from_row(row) for row in self._conn.execute(sql, args)]

    def count_matching(self, article_filter: ArticleFilter, cap: int) -> int:
        where, args = _article_where(article_filter)
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM articles{where} LIMIT ?)"
        return int(self._conn.execute(sql, [*args, cap]).fetchone()[0])

    def change_token(self) -> object:
        (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        return (int(version), self._commits)

    def count_articles(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def get_articles(self, ids: Sequence[str]) -> list[Article]:
        found: dict[str, Article] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
            )
            for row in rows:
                found[row[0]] = _article_from_row(row)
        return [found[i] for i in ids if i in found]

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

    def placements(self) -> dict[str, str]:
        rows = self._conn.execute("SELECT article_id, event_id FROM placements")
        return {row[0]: row[1] for row in rows}

    def reset_clusters(self) -> None:
        with self._write() as conn:
            _clusters.reset(conn)

    def log_clusters(self, lines: Sequence[str]) -> None:
        with self._write() as conn:
            _clusters.log_lines(conn, lines)

    def stats(self) -> StoreStats:
        conn = self._conn
        row = conn.execute(
            "SELECT COUNT(*), COUNT(duplicate_of), COUNT(DISTINCT source), "
            "COALESCE(SUM(words), 0), MIN(published), MAX(published) FROM articles"
        ).fetchone()
        by_source = conn.execute(
            "SELECT COALESCE(source, '(unknown)'), COUNT(*) FROM articles "
            "GROUP BY source ORDER BY COUNT(*) DESC, source LIMIT 20"
        ).fetchall()
        by_format = conn.execute(
            "SELECT format, COUNT(*) FROM articles GROUP BY format ORDER BY COUNT(*) DESC"
        ).fetchall()
        rejections = conn.execute("SELECT COUNT(*) FROM rejections").fetchone()[0]
        enriched = conn.execute("SELECT COUNT(*) FROM enrichments").fetchone()[0]
        placed = conn.execute("SELECT COUNT(*) FROM placements").fetchone()[0]
        pending = conn.execute(
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM enrichments e WHERE e.article_id = a.id) OR NOT EXISTS "
            "(SELECT 1 FROM placements p WHERE p.article_id = a.id)"
        ).fetchone()[0]
        runs = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return StoreStats(
            articles=int(row[0]),
            duplicates=int(row[1]),
            sources=int(row[2]),
            words=int(row[3]),
            first_published=row[4],
            last_published=row[5],
            rejections=int(rejections),
            runs=int(runs),
            by_source=tuple((str(s), int(n)) for s, n in by_source),
            by_format=tuple((str(f), int(n)) for f, n in by_format),
            enriched=int(enriched),
            placed=int(placed),
            pending=int(pending),
        )


def _indexable(text: str) -> str:
    """Text as the trigram index takes it: FTS5 stops reading at a NUL, so each NUL
    becomes U+FFFD (no query that uses the index holds either)."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _article_where(article_filter: ArticleFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (with its leading space, or empty) and arguments of a filter."""
    where: list[str] = []
    args: list[Any] = []
    if article_filter.source is not None:
        where.append("source = ?")
        args.append(article_filter.source)
    if article_filter.since is not None:
        where.append("published >= ?")
        args.append(article_filter.since)
    if article_filter.until is not None:
        where.append("substr(published, 1, 10) <= ?")
        args.append(article_filter.until)
    if article_filter.query:
        wanted = article_filter.query.lower()
        if len(wanted) >= 3 and wanted.isascii() and "\x00" not in wanted:
            # the trigram index narrows the candidates (its case folding matches at least
            # what lower() does on ASCII); instr() below keeps exactly the same matches
            where.append("seq IN (SELECT rowid FROM article_text WHERE article_text MATCH ?)")
            args.append('"' + wanted.replace('"', '""') + '"')
        where.append("(instr(lower(title), ?) > 0 OR instr(lower(text), ?) > 0)")
        args += [wanted, wanted]
    if not article_filter.duplicates:
        where.append("duplicate_of IS NULL")
    return (" WHERE " + " AND ".join(where) if where else ""), args


def _relink(conn: sqlite3.Connection, old_original: str, new_original: str, kind: str) -> None:
    conn.execute(
        "UPDATE articles SET duplicate_of = ?, duplicate_kind = ? WHERE id = ?",
        (new_original, kind, old_original),
    )
    conn.execute(
        "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ? AND id != ?",
        (new_original, old_original, new_original),
    )


def _safe_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """``row`` with lone surrogates replaced in its strings (they cannot be encoded)."""
    return tuple(safe_text(v) if isinstance(v, str) else v for v in row)


def _article_row(article: Article) -> tuple[Any, ...]:
    html = zlib.compress(article.html.encode("utf-8")) if article.html is not None else None
    return (
        article.id,
        article.title,
        article.text,
        None if article.raw == article.text else article.raw,
        json.dumps([asdict(edit) for edit in article.edits], ensure_ascii=False),
        article.published,
        article.updated,
        article.source,
        article.url,
        article.language,
        json.dumps(list(article.authors), ensure_ascii=False),
        json.dumps(list(article.contributors), ensure_ascii=False),
        json.dumps(list(article.credits), ensure_ascii=False),
        json.dumps(list(article.captions), ensure_ascii=False),
        article.dateline,
        article.description,
        article.origin,
        article.format,
        html,
        article.content_hash,
        article.duplicate_of,
        article.duplicate_kind,
        json.dumps(dict(article.labels), ensure_ascii=False),
        article.words,
    )


def _article_from_row(row: Sequence[Any]) -> Article:
    html = zlib.decompress(row[18]).decode("utf-8") if row[18] is not None else None
    return Article(
        id=row[0],
        title=row[1],
        text=row[2],
        raw=row[2] if row[3] is None else row[3],
        edits=tuple(Edit(**edit) for edit in json.loads(row[4])),
        published=row[5],
        updated=row[6],
        source=row[7],
        url=row[8],
        language=row[9],
        authors=tuple(json.loads(row[10])),
        contributors=tuple(json.loads(row[11])),
        credits=tuple(json.loads(row[12])),
        captions=tuple(json.loads(row[13])),
        dateline=row[14],
        description=row[15],
        origin=row[16],
        format=row[17],
        html=html,
        content_hash=row[19],
        duplicate_of=row[20],
        duplicate_kind=row[21],
        labels=json.loads(row[22]),
    )
