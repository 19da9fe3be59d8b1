"""Ordered, recorded schema migrations of the SQLite store.

Each migration runs once, in order, inside a transaction, and is recorded in the
``migrations`` table with its number, name and time. Never edit a released migration:
append a new one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles, fingerprints, runs and rejections",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            title TEXT,
            text TEXT NOT NULL,
            raw TEXT,  -- NULL when the raw text is the cleaned text (no edits)
            edits TEXT NOT NULL,
            published TEXT,
            updated TEXT,
            source TEXT,
            url TEXT,
            language TEXT,
            authors TEXT NOT NULL,
            contributors TEXT NOT NULL,
            credits TEXT NOT NULL,
            captions TEXT NOT NULL,
            dateline TEXT,
            description TEXT,
            origin TEXT NOT NULL,
            format TEXT NOT NULL,
            html BLOB,
            content_hash TEXT NOT NULL,
            duplicate_of TEXT REFERENCES articles(id) DEFERRABLE INITIALLY DEFERRED,
            duplicate_kind TEXT,
            labels TEXT NOT NULL,
            words INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published, id);
        CREATE INDEX articles_source ON articles(source);
        CREATE INDEX articles_duplicate ON articles(duplicate_of);
        CREATE TABLE fingerprints (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            signature BLOB NOT NULL
        );
        CREATE TABLE bands (
            key BLOB NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id)
        );
        CREATE INDEX bands_key ON bands(key);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            added INTEGER,
            unchanged INTEGER,
            duplicates INTEGER,
            rejected INTEGER,
            seconds REAL
        );
        CREATE TABLE rejections (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            origin TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX rejections_run ON rejections(run_id);
        """,
    ),
    Migration(
        2,
        "enrichments, canonical entities and mentions",
        """
        CREATE TABLE enrichments (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            producer TEXT NOT NULL,
            data TEXT NOT NULL,
            enriched_at TEXT NOT NULL
        );
        CREATE TABLE entities (
            key TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT NOT NULL,
            attributes TEXT NOT NULL
        );
        CREATE TABLE mentions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            entity_key TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX mentions_entity ON mentions(entity_key, article_id);
        CREATE INDEX mentions_article ON mentions(article_id);
        """,
    ),
    Migration(
        3,
        "events, stories, placements with evidence, clusterer state and log",
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            start TEXT,
            end TEXT,
            articles INTEGER NOT NULL,
            events INTEGER NOT NULL,
            last_seq INTEGER NOT NULL
        );
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL,
            title TEXT NOT NULL,
            start TEXT,
            end TEXT,
            articles INTEGER NOT NULL,
            last_seq INTEGER NOT NULL
        );
        CREATE INDEX events_story ON events(story_id);
        CREATE TABLE placements (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            event_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            explanation TEXT NOT NULL,
            producer TEXT NOT NULL
        );
        CREATE INDEX placements_event ON placements(event_id, seq);
        CREATE INDEX placements_story ON placements(story_id, seq);
        CREATE TABLE cluster_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            producer TEXT NOT NULL,
            state BLOB NOT NULL,
            saved_at TEXT NOT NULL
        );
        CREATE TABLE cluster_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            subjects TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        """,
    ),
    Migration(
        4,
        "story redirects: a merged story's id leads to the story that took it in",
        """
        CREATE TABLE story_redirects (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        5,
        "subscriptions with their polling state, seen items, watches and updates",
        """
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            target TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            source TEXT,
            every_seconds REAL NOT NULL,
            created_at TEXT NOT NULL,
            next_poll TEXT NOT NULL,
            last_poll TEXT,
            last_success TEXT,
            last_error TEXT,
            last_error_at TEXT,
            errors INTEGER NOT NULL DEFAULT 0,
            etag TEXT,
            last_modified TEXT,
            stored INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE seen_items (
            subscription_id INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            article_id TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (subscription_id, item_key)
        );
        CREATE INDEX seen_items_key ON seen_items(item_key);
        CREATE TABLE watches (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            webhook TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (kind, target)
        );
        CREATE TABLE updates (
            id INTEGER PRIMARY KEY,
            watch_id INTEGER NOT NULL,
            story_id TEXT,
            kind TEXT NOT NULL,
            article_id TEXT NOT NULL,
            summary TEXT NOT NULL,
            citations TEXT NOT NULL,
            dedupe_key TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (watch_id, dedupe_key)
        );
        CREATE INDEX updates_at ON updates(at);
        CREATE INDEX updates_story ON updates(story_id, at)
        """,
    ),
    Migration(
        6,
        "a trigram full-text index of article titles and texts (substring search)",
        """
        CREATE INDEX articles_seq ON articles(seq);
        CREATE VIRTUAL TABLE article_text USING fts5(
            title, text, content='', tokenize='trigram'
        );
        INSERT INTO article_text(rowid, title, text)
            SELECT seq, COALESCE(title, ''), text FROM articles
        """,
    ),
)


def _index_nul_texts(conn: sqlite3.Connection) -> None:
    """Migration 6, for the articles holding a NUL: SQL's string functions stop at a NUL
    (so the backfill indexed them only up to it), Python's do not."""
    rows = conn.execute(
        "SELECT seq, COALESCE(title, ''), text FROM articles "
        "WHERE instr(CAST(text AS BLOB), x'00') > 0 OR instr(CAST(title AS BLOB), x'00') > 0"
    ).fetchall()
    for seq, title, text in rows:
        conn.execute(
            "INSERT INTO article_text(article_text, rowid, title, text) VALUES ('delete', ?, ?, ?)",
            (seq, title, text),
        )
        conn.execute(
            "INSERT INTO article_text(rowid, title, text) VALUES (?, ?, ?)",
            (seq, title.replace("\x00", "\ufffd"), text.replace("\x00", "\ufffd")),
        )


# Steps a migration needs beyond its SQL, run in its transaction after it.
_AFTER = {6: _index_nul_texts}


def current_version(conn: sqlite3.Connection) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT MAX(version) FROM migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the pending migrations in order; return the versions applied.

    Each runs in its own write transaction, which first asks again whether it is still
    pending: another process opening the same new store may have applied it while this
    one waited for the write lock."""
    applied: list[int] = []
    done = current_version(conn)
    for migration in MIGRATIONS:
        if migration.version <= done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        if current_version(conn) >= migration.version:
            conn.execute("COMMIT")
            continue
        try:
            for statement in migration.sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            if migration.version in _AFTER:
                _AFTER[migration.version](conn)
            conn.execute(
                "INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(migration.version)
    return applied
