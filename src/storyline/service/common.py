"""Shared pieces of the use cases: the store, option parsing, worker counts."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from storyline.errors import InputError, StoreError
from storyline.settings import Settings
from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

# (articles done, total to do) for enrich and cluster; (articles done, rejected so far)
# for ingest, which reads a stream of unknown length
Progress = Callable[[int, int], None]


def store_exists(settings: Settings) -> bool:
    """Whether the store named by the ``db`` setting exists already (a PostgreSQL
    database is taken to exist: opening it says if it does not)."""
    db = str(settings["db"])
    return is_postgres_url(db) or Path(db).expanduser().exists()


def open_store(settings: Settings, *, create: bool = True) -> Store:
    """Open (migrating when needed) the store named by the ``db`` setting: a SQLite file,
    or a PostgreSQL database for a ``postgresql://`` URL. A SQLite store that does not
    exist yet is created when ``create``, else ``StoreError`` says so."""
    db = str(settings["db"])
    if is_postgres_url(db):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(db, pool_size=int(settings["postgres.pool_size"]))
    path = Path(db).expanduser()
    if not create and not path.exists():
        raise StoreError(
            f"no store at {str(path)!r}: check --db (or STORYLINE_DB); "
            "`storyline ingest PATH` creates a store"
        )
    return SQLiteStore(path)


def is_postgres_url(db: str) -> bool:
    """Whether the ``db`` setting names a PostgreSQL database (a store that one object
    may serve to many threads) rather than a SQLite file."""
    return db.strip().lower().startswith(("postgresql://", "postgres://"))


def parse_date_option(value: str | None, option: str) -> str | None:
    """Validate a user-given ISO date or datetime; return it normalised."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(
            f"{option} must be an ISO date such as 2016-10-15 (or a datetime such as "
            f"2016-10-15T09:30:00+00:00), got {value!r}"
        ) from None


def now_iso(now: datetime | None = None) -> str:
    """An ISO 8601 UTC time (now, by default), as the store keeps follow and watch times."""
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def worker_count(settings: Settings, setting: str = "ingest.workers") -> int:
    """Worker processes a stage will use under these settings (0 means one per core)."""
    wanted = int(settings[setting])
    return wanted if wanted > 0 else min(4, os.cpu_count() or 1)


def add_timings(timings: dict[str, float], more: Mapping[str, float]) -> None:
    for stage, seconds in more.items():
        timings[stage] = timings.get(stage, 0.0) + seconds
