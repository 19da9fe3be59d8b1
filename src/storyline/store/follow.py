"""SQL for following sources and watching stories: subscriptions with their polling
state, the items already seen, watches and the updates recorded for them.

Plain SQL (no SQLite-only functions; ``RETURNING`` and ``ON CONFLICT DO NOTHING``, which
SQLite and PostgreSQL share) written with ``?`` placeholders: each function takes a
DB-API connection, sqlite3's or psycopg's (whose ``%s`` placeholders :func:`_run`
substitutes), so both stores run the same statements. Times are ISO 8601 UTC strings,
which sort as text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from storyline.errors import InputError, NotFoundError
from storyline.models import Update, UpdateCitation


@dataclass(frozen=True)
class Subscription:
    """A followed feed, page or folder, with its schedule and polling state."""

    id: int
    target: str
    kind: str  # feed | page | folder
    source: str | None
    every_seconds: float
    created_at: str
    next_poll: str
    last_poll: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    errors: int = 0  # consecutive errors (0 after a success)
    etag: str | None = None
    last_modified: str | None = None
    stored: int = 0  # articles stored from it so far


@dataclass(frozen=True)
class PollResult:
    """What one poll of a subscription changes in its state."""

    at: str
    next_poll: str
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    keep_validators: bool = False  # a poll that did not finish keeps the old validators
    stored: int = 0


@dataclass(frozen=True)
class Watch:
    """A story, an entity or a query whose updates are recorded."""

    id: int
    kind: str  # story | entity | query
    target: str
    webhook: str | None
    created_at: str


Connection = Any  # sqlite3.Connection or psycopg.Connection


def _run(conn: Connection, sql: str, args: Sequence[Any] = ()) -> Any:
    """Execute ``sql`` (``?`` placeholders) on either kind of connection."""
    if not isinstance(conn, sqlite3.Connection):
        sql = sql.replace("?", "%s")
    return conn.execute(sql, tuple(args))


_SUB_COLUMNS = (
    "id, target, kind, source, every_seconds, created_at, next_poll, last_poll, "
    "last_success, last_error, last_error_at, errors, etag, last_modified, stored"
)


def add_subscription(
    conn: Connection, target: str, kind: str, source: str | None, every: float, now: str
) -> int:
    found = _run(conn, "SELECT id FROM subscriptions WHERE target = ?", (target,)).fetchone()
    if found is not None:
        raise InputError(
            f"{target!r} is already followed (subscription {found[0]}); "
            f"`storyline follow remove {found[0]}` first to change it"
        )
    row = _run(
        conn,
        "INSERT INTO subscriptions(target, kind, source, every_seconds, created_at, next_poll) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (target, kind, source, every, now, now),
    ).fetchone()
    return int(row[0])


def subscriptions(conn: Connection, *, due: str | None = None) -> list[Subscription]:
    sql = f"SELECT {_SUB_COLUMNS} FROM subscriptions"
    args: list[Any] = []
    if due is not None:
        sql += " WHERE next_poll <= ?"
        args.append(due)
    rows = _run(conn, sql + " ORDER BY next_poll, id", args)
    return [Subscription(*row) for row in rows]


def subscription(conn: Connection, subscription_id: int) -> Subscription:
    row = _run(
        conn, f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"no subscription with id {subscription_id}; `storyline follow list` lists them"
        )
    return Subscription(*row)


def remove_subscription(conn: Connection, subscription_id: int) -> None:
    subscription(conn, subscription_id)
    _run(conn, "DELETE FROM seen_items WHERE subscription_id = ?", (subscription_id,))
    _run(conn, "DELETE FROM subscriptions WHERE id = ?", (subscription_id,))


def record_poll(conn: Connection, subscription_id: int, result: PollResult) -> None:
    if result.error is None:
        _run(
            conn,
            "UPDATE subscriptions SET last_poll = ?, last_success = ?, next_poll = ?, "
            "errors = 0, stored = stored + ? WHERE id = ?",
            (result.at, result.at, result.next_poll, result.stored, subscription_id),
        )
    else:
        _run(
            conn,
            "UPDATE subscriptions SET last_poll = ?, last_error = ?, last_error_at = ?, "
            "next_poll = ?, errors = errors + 1, stored = stored + ? WHERE id = ?",
            (result.at, result.error, result.at, result.next_poll, result.stored, subscription_id),
        )
    if not result.keep_validators:
        _run(
            conn,
            "UPDATE subscriptions SET etag = ?, last_modified = ? WHERE id = ?",
            (result.etag, result.last_modified, subscription_id),
        )


def seen_keys(conn: Connection, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` (``url:…``, ``guid:…``, ``hash:…``, ``file:…``) any subscription
    has already seen."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = list(keys[i : i + 500])
        marks = ",".join("?" * len(chunk))
        rows = _run(conn, f"SELECT item_key FROM seen_items WHERE item_key IN ({marks})", chunk)
        found.update(row[0] for row in rows)
    return found


def mark_seen(
    conn: Connection,
    subscription_id: int,
    items: Iterable[tuple[str, str | None]],
    now: str,
) -> None:
    for key, article_id in items:
        _run(
            conn,
            "INSERT INTO seen_items(subscription_id, item_key, article_id, seen_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (subscription_id, item_key) DO NOTHING",
            (subscription_id, key, article_id, now),
        )


def stored_urls(conn: Connection, urls: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(urls), 500):
        chunk = list(urls[i : i + 500])
        marks = ",".join("?" * len(chunk))
        rows = _run(conn, f"SELECT url FROM articles WHERE url IN ({marks})", chunk)
        found.update(row[0] for row in rows)
    return found


# --- watches and updates -----------------------------------------------------------------


def add_watch(conn: Connection, kind: str, target: str, webhook: str | None, now: str) -> int:
    found = _run(
        conn, "SELECT id FROM watches WHERE kind = ? AND target = ?", (kind, target)
    ).fetchone()
    if found is not None:
        raise InputError(f"{kind} {target!r} is already watched (watch {found[0]})")
    row = _run(
        conn,
        "INSERT INTO watches(kind, target, webhook, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        (kind, target, webhook, now),
    ).fetchone()
    return int(row[0])


def watches(conn: Connection) -> list[Watch]:
    rows = _run(conn, "SELECT id, kind, target, webhook, created_at FROM watches ORDER BY id")
    return [Watch(*row) for row in rows]


def remove_watch(conn: Connection, watch_id: int) -> None:
    if _run(conn, "SELECT id FROM watches WHERE id = ?", (watch_id,)).fetchone() is None:
        raise NotFoundError(f"no watch with id {watch_id}; `storyline watch list` lists them")
    _run(conn, "DELETE FROM updates WHERE watch_id = ?", (watch_id,))
    _run(conn, "DELETE FROM watches WHERE id = ?", (watch_id,))


def add_updates(conn: Connection, items: Sequence[Update], now: str) -> list[Update]:
    """Record the updates not recorded before (same watch and key); return those added."""
    added: list[Update] = []
    for item in items:
        row = _run(
            conn,
            "INSERT INTO updates(watch_id, story_id, kind, article_id, summary, citations, "
            "dedupe_key, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (watch_id, dedupe_key) DO NOTHING RETURNING id",
            (
                item.watch_id,
                item.story_id,
                item.kind,
                item.article_id,
                item.summary,
                _citations_json(item.citations),
                item.key,
                now,
            ),
        ).fetchone()
        if row is not None:
            added.append(_with(item, at=now, id=int(row[0])))
    return added


def updates(
    conn: Connection,
    *,
    since: str | None = None,
    story: str | None = None,
    watch: int | None = None,
    limit: int | None = None,
) -> list[Update]:
    where: list[str] = []
    args: list[Any] = []
    if since is not None:
        where.append("at > ?")
        args.append(since)
    if story is not None:
        where.append("story_id = ?")
        args.append(story)
    if watch is not None:
        where.append("watch_id = ?")
        args.append(watch)
    sql = (
        "SELECT id, watch_id, story_id, kind, article_id, summary, citations, dedupe_key, at "
        "FROM updates"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY at, id"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [
        Update(
            id=row[0],
            watch_id=row[1],
            story_id=row[2],
            kind=row[3],
            article_id=row[4],
            summary=row[5],
            citations=tuple(UpdateCitation(**c) for c in json.loads(row[6])),
            key=row[7],
            at=row[8],
        )
        for row in _run(conn, sql, args)
    ]


def _citations_json(citations: Sequence[UpdateCitation]) -> str:
    return json.dumps(
        [
            {
                "article_id": c.article_id,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "source": c.source,
                "published": c.published,
            }
            for c in citations
        ],
        ensure_ascii=False,
    )


def _with(item: Update, *, at: str, id: int) -> Update:
    from dataclasses import replace

    return replace(item, at=at, id=id)


class FollowMethods:
    """The store methods over these statements, shared by both stores: each store says how
    it lends a connection for reading (:meth:`_reading`) and for one write transaction
    (:meth:`_writing`)."""

    def _reading(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _writing(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def add_subscription(
        self, target: str, kind: str, source: str | None, every_seconds: float, now: str
    ) -> int:
        with self._writing() as conn:
            return add_subscription(conn, target, kind, source, every_seconds, now)

    def list_subscriptions(self, *, due: str | None = None) -> list[Subscription]:
        with self._reading() as conn:
            return subscriptions(conn, due=due)

    def get_subscription(self, subscription_id: int) -> Subscription:
        with self._reading() as conn:
            return subscription(conn, subscription_id)

    def remove_subscription(self, subscription_id: int) -> None:
        with self._writing() as conn:
            remove_subscription(conn, subscription_id)

    def record_poll(self, subscription_id: int, result: PollResult) -> None:
        with self._writing() as conn:
            record_poll(conn, subscription_id, result)

    def seen_keys(self, keys: Sequence[str]) -> set[str]:
        with self._reading() as conn:
            return seen_keys(conn, keys)

    def mark_seen(
        self, subscription_id: int, items: Sequence[tuple[str, str | None]], now: str
    ) -> None:
        with self._writing() as conn:
            mark_seen(conn, subscription_id, items, now)

    def stored_urls(self, urls: Sequence[str]) -> set[str]:
        with self._reading() as conn:
            return stored_urls(conn, urls)

    def add_watch(self, kind: str, target: str, webhook: str | None, now: str) -> int:
        with self._writing() as conn:
            return add_watch(conn, kind, target, webhook, now)

    def list_watches(self) -> list[Watch]:
        with self._reading() as conn:
            return watches(conn)

    def remove_watch(self, watch_id: int) -> None:
        with self._writing() as conn:
            remove_watch(conn, watch_id)

    def add_updates(self, items: Sequence[Update], now: str) -> list[Update]:
        with self._writing() as conn:
            return add_updates(conn, items, now)

    def list_updates(
        self,
        *,
        since: str | None = None,
        story: str | None = None,
        watch: int | None = None,
        limit: int | None = None,
    ) -> list[Update]:
        with self._reading() as conn:
            return updates(conn, since=since, story=story, watch=watch, limit=limit)
