"""What lets one SQL statement serve both stores: statements are written with ``?``
placeholders and run on a DB-API connection, sqlite3's or psycopg's (whose ``%s``
placeholders :func:`run_sql` substitutes), and each store lends connections through
:class:`ConnectionLender`. A test of many values is :func:`one_of` (``IN (?, ...)`` on
SQLite, ``= ANY(?)`` with one array on PostgreSQL) over the :func:`chunks` of the
values. Modules holding such statements: ``store.articles``, ``store.enrichments``,
``store.clusters``, ``store.follow``, ``store.runs``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

Connection = Any  # sqlite3.Connection or psycopg.Connection

_SQLITE_CHUNK = 500  # values per IN list (SQLite caps the number of bound parameters)


def is_sqlite(conn: Connection) -> bool:
    return isinstance(conn, sqlite3.Connection)


def run_sql(conn: Connection, sql: str, args: Sequence[Any] = ()) -> Any:
    """Execute ``sql`` (``?`` placeholders) on either kind of connection."""
    if not is_sqlite(conn):
        sql = sql.replace("?", "%s")
    return conn.execute(sql, tuple(args))


def run_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Execute ``sql`` (``?`` placeholders) once per row on either kind of connection
    (psycopg sends the rows in one pipeline)."""
    if is_sqlite(conn):
        conn.executemany(sql, rows)
        return
    if not rows:
        return
    with conn.cursor() as cursor:
        cursor.executemany(sql.replace("?", "%s"), rows)


def chunks(conn: Connection, values: Sequence[Any]) -> Iterator[list[Any]]:
    """``values`` in as few pieces as one :func:`one_of` test may take (none if empty)."""
    size = _SQLITE_CHUNK if is_sqlite(conn) else max(1, len(values))
    for first in range(0, len(values), size):
        yield list(values[first : first + size])


def one_of(conn: Connection, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """The SQL test "is one of ``values``" (to follow a column) and its arguments."""
    if is_sqlite(conn):
        return "IN (" + ", ".join("?" * len(values)) + ")", list(values)
    return "= ANY(?)", [list(values)]


class ConnectionLender:
    """A store that lends a connection for reading (:meth:`_reading`) and for one write
    transaction (:meth:`_writing`), so the shared store methods run on either store."""

    def _reading(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _writing(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError
