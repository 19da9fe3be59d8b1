"""What lets one SQL statement serve both stores: statements are written with ``?``
placeholders and run on a DB-API connection, sqlite3's or psycopg's (whose ``%s``
placeholders :func:`run_sql` substitutes), and each store lends connections through
:class:`ConnectionLender`. Modules holding such statements: ``store.follow``,
``store.runs``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

Connection = Any  # sqlite3.Connection or psycopg.Connection


def run_sql(conn: Connection, sql: str, args: Sequence[Any] = ()) -> Any:
    """Execute ``sql`` (``?`` placeholders) on either kind of connection."""
    if not isinstance(conn, sqlite3.Connection):
        sql = sql.replace("?", "%s")
    return conn.execute(sql, tuple(args))


def run_many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Execute ``sql`` (``?`` placeholders) once per row on either kind of connection."""
    if isinstance(conn, sqlite3.Connection):
        conn.executemany(sql, rows)
        return
    with conn.cursor() as cursor:
        cursor.executemany(sql.replace("?", "%s"), rows)


class ConnectionLender:
    """A store that lends a connection for reading (:meth:`_reading`) and for one write
    transaction (:meth:`_writing`), so the shared store methods run on either store."""

    def _reading(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _writing(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError
