"""Shared pieces of the use cases: the store, option parsing, worker counts."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from storyline.errors import InputError
from storyline.settings import Settings
from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

Progress = Callable[[int, int], None]  # (articles done, rejected so far)


def open_store(settings: Settings) -> Store:
    """Open (creating and migrating when needed) the store named by the ``db`` setting:
    a SQLite file, or a PostgreSQL database for a ``postgresql://`` URL."""
    db = str(settings["db"])
    if is_postgres_url(db):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(db, pool_size=int(settings["postgres.pool_size"]))
    return SQLiteStore(Path(db).expanduser())


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
