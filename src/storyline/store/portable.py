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


def chunks(conn: Connection, values: Sequence[Any], size: int = 0) -> Iterator[list[Any]]:
    """``values`` in as few pieces as one :func:`one_of` test may take (none if empty):
    one on PostgreSQL, pieces of ``size`` (default 500) on SQLite."""
    if not is_sqlite(conn):
        size = len(values)
    size = max(1, size or _SQLITE_CHUNK)
    for first in range(0, len(values), size):
        yield list(values[first : first + size])


def one_of(conn: Connection, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """The SQL test "is one of ``values``" (to follow a column) and its arguments."""
    if is_sqlite(conn):
        return "IN (" + ", ".join("?" * len(values)) + ")", list(values)
    return "= ANY(?)", [list(values)]


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Any]) -> None:
    """Insert many plain rows: ``COPY`` on PostgreSQL (one stream), ``executemany`` on
    SQLite. Columns are named as SQL names them (``"end"`` quoted)."""
    if not rows:
        return
    names = ", ".join(columns)
    if is_sqlite(conn):
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table}({names}) VALUES ({marks})", rows)
        return
    with conn.cursor() as cursor, cursor.copy(f"COPY {table}({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def json_value(conn: Connection, text: str) -> str:
    """A JSON document as the connection's JSON column takes it (PostgreSQL's ``JSONB``
    refuses an escaped NUL: :func:`storyline.store.pg_text.json_in`)."""
    if is_sqlite(conn):
        return text
    from storyline.store.pg_text import json_in

    return json_in(text)


class ConnectionLender:
    """A store that lends a connection for reading (:meth:`_reading`) and for one write
    transaction (:meth:`_writing`), so the shared store methods run on either store."""

    def _reading(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _writing(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError
