"""Articles, their fingerprints and the dedupe lookups: the statements both stores share
(see ``store.portable``). Writing new articles stays with each store (SQLite numbers
``seq`` itself; PostgreSQL has an identity column, ``ON CONFLICT DO NOTHING`` and
``COPY``), and so does the ``-q`` test of :meth:`ArticleMethods.list_articles`.

The dedupe lookups are batched: :meth:`ArticleMethods.find_by_hashes` and
:meth:`ArticleMethods.band_matches` answer a whole chunk of documents in one query each
(one round trip to a server), so ingest asks once per chunk, not three times an article.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from storyline.errors import NotFoundError
from storyline.ingest.files import safe_text
from storyline.models import Article, Edit
from storyline.store.base import ArticleFilter, StoredSignature, StoreStats
from storyline.store.portable import Connection, ConnectionLender, chunks, one_of, run_sql

ARTICLE_COLUMNS = (
    "id, title, text, raw, edits, published, updated, source, url, language, authors, "
    "contributors, credits, captions, dateline, description, origin, format, html, "
    "content_hash, duplicate_of, duplicate_kind, labels, words"
)


_MAX_INT = 2**63 - 1  # the largest integer either store binds


class ArticleMethods(ConnectionLender):
    """The article methods of the ``Store`` protocol that read, relink and count."""

    def _query_test(self, query: str) -> tuple[str, list[Any]]:
        """The SQL test of ``-q`` (``query``: not empty) and its arguments: a substring
        of the title or text on SQLite (PostgreSQL overrides it with full-text search)."""
        return "(instr(lower(title), ?) > 0 OR instr(lower(text), ?) > 0)", [query.lower()] * 2

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        with self._reading() as conn:
            for chunk in chunks(conn, list(dict.fromkeys(ids))):
                test, args = one_of(conn, chunk)
                found.update(
                    row[0]
                    for row in run_sql(conn, f"SELECT id FROM articles WHERE id {test}", args)
                )
        return found

    def find_by_hash(self, content_hash: str) -> Sequence[tuple[str, str | None]]:
        return self.find_by_hashes([content_hash]).get(content_hash, [])

    def find_by_hashes(self, hashes: Sequence[str]) -> dict[str, list[tuple[str, str | None]]]:
        """For each text hash with stored originals: their ids and dates, oldest arrival
        first (one query per chunk of hashes)."""
        found: dict[str, list[tuple[str, str | None]]] = {}
        with self._reading() as conn:
            for chunk in chunks(conn, list(dict.fromkeys(hashes))):
                test, args = one_of(conn, chunk)
                rows = run_sql(
                    conn,
                    "SELECT content_hash, id, published FROM articles "
                    f"WHERE content_hash {test} AND duplicate_of IS NULL ORDER BY seq",
                    args,
                )
                for content_hash, article_id, published in rows:
                    found.setdefault(content_hash, []).append((article_id, published))
        return found

    def find_by_bands(self, keys: Sequence[bytes]) -> Sequence[StoredSignature]:
        seen: dict[str, StoredSignature] = {}
        for _, signature in self.band_matches(keys):
            seen.setdefault(signature.article_id, signature)
        return list(seen.values())

    def band_matches(self, keys: Sequence[bytes]) -> Sequence[tuple[bytes, StoredSignature]]:
        """(band key, original article with its signature) for every stored original
        sharing one of ``keys``, in arrival order of the articles: two queries for any
        number of keys (the bands, then the articles by primary key, so the plan stays
        two index lookups even while a bulk ingest runs ahead of the planner's
        statistics)."""
        by_article: dict[str, list[bytes]] = {}
        with self._reading() as conn:
            for chunk in chunks(conn, list(dict.fromkeys(bytes(k) for k in keys))):
                test, args = one_of(conn, chunk)
                for key, article_id in run_sql(
                    conn, f"SELECT key, article_id FROM bands WHERE key {test}", args
                ):
                    by_article.setdefault(article_id, []).append(bytes(key))
            matches: list[tuple[int, bytes, StoredSignature]] = []
            for chunk in chunks(conn, list(by_article)):
                test, args = one_of(conn, chunk)
                rows = run_sql(
                    conn,
                    "SELECT a.id, a.published, f.signature, a.seq FROM articles a "
                    f"JOIN fingerprints f ON f.article_id = a.id WHERE a.id {test} "
                    "AND a.duplicate_of IS NULL",
                    args,
                )
                for article_id, published, signature, seq in rows:
                    stored = StoredSignature(article_id, published, bytes(signature))
                    matches.extend((int(seq), key, stored) for key in by_article[article_id])
        matches.sort(key=lambda m: m[0])
        return [(key, stored) for _, key, stored in matches]

    def relink_duplicates(self, old_original: str, new_original: str, kind: str) -> None:
        with self._writing() as conn:
            relink(conn, old_original, new_original, kind)

    def fill_metadata(
        self, article_id: str, *, published: str | None = None, source: str | None = None
    ) -> None:
        with self._writing() as conn:
            run_sql(
                conn,
                "UPDATE articles SET published = COALESCE(published, ?), "
                "source = COALESCE(source, ?) WHERE id = ?",
                (published, source, article_id),
            )

    def get_article(self, article_id: str) -> Article:
        with self._reading() as conn:
            row = run_sql(
                conn, f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no article with id {article_id!r}; `storyline articles` lists the ids"
            )
        return article_from_row(row)

    def get_articles(self, ids: Sequence[str]) -> list[Article]:
        found: dict[str, Article] = {}
        with self._reading() as conn:
            for chunk in chunks(conn, list(dict.fromkeys(ids))):
                test, args = one_of(conn, chunk)
                rows = run_sql(
                    conn, f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id {test}", args
                )
                for row in rows:
                    found[row[0]] = article_from_row(row)
        return [found[i] for i in ids if i in found]

    def _where(self, article_filter: ArticleFilter) -> tuple[str, list[Any]]:
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
            test, test_args = self._query_test(article_filter.query)
            where.append(test)
            args += test_args
        if not article_filter.duplicates:
            where.append("duplicate_of IS NULL")
        return (" WHERE " + " AND ".join(where) if where else ""), args

    def list_articles(self, article_filter: ArticleFilter) -> Sequence[Article]:
        where, args = self._where(article_filter)
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles{where}"
        sql += " ORDER BY published IS NULL, published, id"
        if article_filter.limit is not None:
            if article_filter.offset > _MAX_INT:  # past any store's end (and its integers)
                return []
            sql += " LIMIT ? OFFSET ?"
            args += [min(article_filter.limit, _MAX_INT), article_filter.offset]
        with self._reading() as conn:
            return [article_from_row(row) for row in run_sql(conn, sql, args)]

    def count_matching(self, article_filter: ArticleFilter, cap: int) -> int:
        where, args = self._where(article_filter)
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM articles{where} LIMIT ?) AS hits"
        with self._reading() as conn:
            return int(run_sql(conn, sql, [*args, min(cap, _MAX_INT)]).fetchone()[0])

    def count_articles(self) -> int:
        with self._reading() as conn:
            return int(run_sql(conn, "SELECT COUNT(*) FROM articles").fetchone()[0])

    def placements(self) -> dict[str, str]:
        with self._reading() as conn:
            rows = run_sql(conn, "SELECT article_id, event_id FROM placements")
            return {row[0]: row[1] for row in rows}

    def stats(self) -> StoreStats:
        with self._reading() as conn:
            return _stats(conn)


def _stats(conn: Connection) -> StoreStats:
    def one(sql: str) -> Any:
        return run_sql(conn, sql).fetchone()[0]

    row = run_sql(
        conn,
        "SELECT COUNT(*), COUNT(duplicate_of), COUNT(DISTINCT source), "
        "COALESCE(SUM(words), 0), MIN(published), MAX(published) FROM articles",
    ).fetchone()
    by_source = run_sql(
        conn,
        "SELECT COALESCE(source, '(unknown)'), COUNT(*) FROM articles "
        "GROUP BY source ORDER BY COUNT(*) DESC, source IS NOT NULL, source LIMIT 20",
    ).fetchall()
    by_format = run_sql(
        conn,
        "SELECT format, COUNT(*) FROM articles GROUP BY format ORDER BY COUNT(*) DESC, format",
    ).fetchall()
    pending = one(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM enrichments e WHERE e.article_id = a.id) OR NOT EXISTS "
        "(SELECT 1 FROM placements p WHERE p.article_id = a.id)"
    )
    return StoreStats(
        articles=int(row[0]),
        duplicates=int(row[1]),
        sources=int(row[2]),
        words=int(row[3]),
        first_published=row[4],
        last_published=row[5],
        rejections=int(one("SELECT COUNT(*) FROM rejections")),
        runs=int(one("SELECT COUNT(*) FROM runs")),
        by_source=tuple((str(s), int(n)) for s, n in by_source),
        by_format=tuple((str(f), int(n)) for f, n in by_format),
        enriched=int(one("SELECT COUNT(*) FROM enrichments")),
        placed=int(one("SELECT COUNT(*) FROM placements")),
        pending=int(pending),
    )


def relink(conn: Connection, old_original: str, new_original: str, kind: str) -> None:
    """Make ``old_original`` and its copies duplicates of ``new_original``."""
    run_sql(
        conn,
        "UPDATE articles SET duplicate_of = ?, duplicate_kind = ? WHERE id = ?",
        (new_original, kind, old_original),
    )
    run_sql(
        conn,
        "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ? AND id != ?",
        (new_original, old_original, new_original),
    )


def safe_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """``row`` with lone surrogates replaced in its strings (they cannot be encoded)."""
    return tuple(safe_text(v) if isinstance(v, str) else v for v in row)


def article_row(article: Article) -> tuple[Any, ...]:
    """The values of :data:`ARTICLE_COLUMNS` for ``article``, ready to store."""
    html = zlib.compress(article.html.encode("utf-8")) if article.html is not None else None
    return safe_row(
        (
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
    )


def article_from_row(row: Sequence[Any]) -> Article:
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
