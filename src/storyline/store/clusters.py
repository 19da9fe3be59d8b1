"""SQL for events, stories, article placements and the clusterer's saved state (SQLite).

The clusterer's state is stored as the JSON bytes the service gives (no pickle: a store
file from elsewhere is data, never code).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class ClusterRow:
    """An event or a story as the store keeps it."""

    id: str
    title: str
    start: str | None
    end: str | None
    articles: int
    story_id: str | None = None  # events only
    events: int = 0  # stories only


@dataclass(frozen=True)
class ClusterProfile:
    """Who covers an event or a story and whom it is about.

    ``outlets``: (source, articles) pairs, most articles first (``None`` for articles of
    unknown source); ``entities``: (entity key, name, articles mentioning it) triples, most
    articles first, at most the number asked for."""

    outlets: tuple[tuple[str | None, int], ...] = ()
    entities: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class ClusterDetail:
    """An event (``kind`` "event") or a story with its profile and, when asked for, the
    ids of its articles: what the CLI's ``--json`` and the HTTP API show of it."""

    kind: str
    row: ClusterRow
    profile: ClusterProfile
    article_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PlacementRow:
    article_id: str
    event_id: str
    story_id: str
    explanation: dict[str, Any]
    producer: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save(
    conn: sqlite3.Connection,
    placements: Sequence[PlacementRow],
    events: Sequence[ClusterRow],
    state: bytes,
    producer: str,
) -> set[str]:
    """Write a batch of placements, the events they touched and the new state; returns
    the stories the events joined or left (to :func:`recount`, which writes them).

    A placement of an article already placed (consolidation moved it) replaces the old
    one and keeps its place in the order of arrival (``seq``)."""
    touched: set[str] = set()
    for event in events:
        old = conn.execute("SELECT story_id FROM events WHERE id = ?", (event.id,)).fetchone()
        touched.update(s for s in (old[0] if old else None, event.story_id) if s)
    seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM placements").fetchone()[0])
    for row in placements:
        seq += 1
        conn.execute(
            "INSERT INTO placements(article_id, event_id, story_id, seq, explanation, producer) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET "
            "event_id = excluded.event_id, story_id = excluded.story_id, "
            "explanation = excluded.explanation, producer = excluded.producer",
            (
                row.article_id,
                row.event_id,
                row.story_id,
                seq,
                json.dumps(row.explanation, ensure_ascii=False),
                row.producer,
            ),
        )
    for event in events:
        conn.execute(
            "INSERT INTO events(id, story_id, title, start, end, articles, last_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "story_id = excluded.story_id, title = excluded.title, start = excluded.start, "
            "end = excluded.end, "
            "articles = excluded.articles, last_seq = excluded.last_seq",
            (
                event.id,
                event.story_id or "",
                event.title,
                event.start,
                event.end,
                event.articles,
                seq,
            ),
        )
    conn.execute(
        "INSERT INTO cluster_state(id, producer, state, saved_at) VALUES (1, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET producer = excluded.producer, state = excluded.state, "
        "saved_at = excluded.saved_at",
        (producer, state, _now()),
    )
    return touched


def recount(conn: sqlite3.Connection, story_ids: Sequence[str]) -> None:
    """Recount each story from its events (articles, events, first and last day), create
    the row of a new story, and drop a story left without events (merged into another).
    Titles are :func:`retitle_stories`' job."""
    for story_id in story_ids:
        row = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(articles), 0), MIN(start), MAX(end), "
            "COALESCE(MAX(last_seq), 0) FROM events WHERE story_id = ?",
            (story_id,),
        ).fetchone()
        count, articles, start, end, last_seq = row
        if not count:
            conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            continue
        conn.execute(
            "INSERT INTO stories(id, title, start, end, articles, events, last_seq) "
            "VALUES (?, '', ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "start = excluded.start, end = excluded.end, articles = excluded.articles, "
            "events = excluded.events, last_seq = MAX(stories.last_seq, excluded.last_seq)",
            (story_id, start, end, articles, count, last_seq),
        )


def load_state(conn: sqlite3.Connection) -> tuple[str, bytes] | None:
    row = conn.execute("SELECT producer, state FROM cluster_state WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), bytes(row[1]))


def unclustered(conn: sqlite3.Connection, limit: int) -> list[str]:
    """Enriched articles not placed yet, in publication order (ties and nulls by id)."""
    rows = conn.execute(
        "SELECT a.id FROM articles a JOIN enrichments e ON e.article_id = a.id "
        "LEFT JOIN placements p ON p.article_id = a.id WHERE p.article_id IS NULL "
        "ORDER BY a.published IS NULL, a.published, a.id LIMIT ?",
        (limit,),
    )
    return [row[0] for row in rows]


def members(conn: sqlite3.Connection, *, story: str | None, event: str | None) -> list[str]:
    if event is not None:
        rows = conn.execute(
            "SELECT article_id FROM placements WHERE event_id = ? ORDER BY seq", (event,)
        )
    else:
        rows = conn.execute(
            "SELECT article_id FROM placements WHERE story_id = ? ORDER BY seq", (story,)
        )
    return [row[0] for row in rows]


def placement(conn: sqlite3.Connection, article_id: str) -> PlacementRow | None:
    row = conn.execute(
        "SELECT article_id, event_id, story_id, explanation, producer FROM placements "
        "WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return PlacementRow(row[0], row[1], row[2], json.loads(row[3]), row[4])


def _row(row: Sequence[Any], kind: str) -> ClusterRow:
    if kind == "event":
        return ClusterRow(row[0], row[2], row[3], row[4], row[5], story_id=row[1])
    return ClusterRow(row[0], row[1], row[2], row[3], row[4], events=row[5])


def events(
    conn: sqlite3.Connection, *, story: str | None = None, limit: int | None = None
) -> list[ClusterRow]:
    sql = "SELECT id, story_id, title, start, end, articles FROM events"
    args: list[Any] = []
    if story is not None:
        sql += " WHERE story_id = ?"
        args.append(story)
    sql += " ORDER BY last_seq DESC, length(id), id"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_row(row, "event") for row in conn.execute(sql, args)]


def stories(conn: sqlite3.Connection, *, limit: int | None = None) -> list[ClusterRow]:
    sql = (
        "SELECT id, title, start, end, articles, events FROM stories "
        "ORDER BY last_seq DESC, length(id), id"
    )
    args: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_row(row, "story") for row in conn.execute(sql, args)]


def get(conn: sqlite3.Connection, kind: str, cluster_id: str) -> ClusterRow | None:
    if kind == "event":
        row = conn.execute(
            "SELECT id, story_id, title, start, end, articles FROM events WHERE id = ?",
            (cluster_id,),
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT id, title, start, end, articles, events FROM stories WHERE id = ?",
            (cluster_id,),
        ).fetchone()
    return None if row is None else _row(row, kind)


_CHUNK = 500  # cluster ids per query (SQLite caps the number of bound parameters)


def profiles(
    conn: sqlite3.Connection, kind: str, cluster_ids: Sequence[str], top: int
) -> dict[str, ClusterProfile]:
    """Outlets and the ``top`` entities of each event or story: the entities its articles
    name, ranked by how many of them do times how rare the entity is in the store (an
    inverse document frequency), so the country every story mentions ranks below the
    people and places this one is about."""
    column = "event_id" if kind == "event" else "story_id"
    total = int(conn.execute("SELECT COUNT(*) FROM enrichments").fetchone()[0])
    outlets: dict[str, list[tuple[str | None, int]]] = {i: [] for i in cluster_ids}
    ranked: dict[str, list[tuple[float, int, str, str]]] = {i: [] for i in cluster_ids}
    for first in range(0, len(cluster_ids), _CHUNK):
        chunk = list(cluster_ids[first : first + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT p.{column}, a.source, COUNT(*) AS n FROM placements p "
            f"JOIN articles a ON a.id = p.article_id WHERE p.{column} IN ({marks}) "
            "GROUP BY 1, 2 ORDER BY 1, n DESC, a.source",
            chunk,
        )
        for cluster_id, source, count in rows:
            outlets[cluster_id].append((source, int(count)))
        rows = conn.execute(
            f"SELECT p.{column}, e.key, e.name, COUNT(DISTINCT m.article_id), "
            "(SELECT COUNT(DISTINCT d.article_id) FROM mentions d WHERE d.entity_key = e.key) "
            "FROM placements p JOIN mentions m ON m.article_id = p.article_id "
            f"JOIN entities e ON e.key = m.entity_key WHERE p.{column} IN ({marks}) "
            "GROUP BY 1, 2",
            chunk,
        )
        for cluster_id, key, name, count, df in rows:
            weight = int(count) * (1.0 + math.log((1 + total) / (1 + int(df))))
            ranked[cluster_id].append((-weight, -int(count), str(name), str(key)))
    return {
        i: ClusterProfile(
            tuple(outlets[i]),
            tuple((key, name, -count) for _, count, name, key in sorted(ranked[i])[:top]),
        )
        for i in cluster_ids
    }


def log(conn: sqlite3.Connection, action: str, subjects: Sequence[str], reason: str) -> None:
    conn.execute(
        "INSERT INTO cluster_log(at, action, subjects, reason) VALUES (?, ?, ?, ?)",
        (_now(), action, json.dumps(list(subjects)), reason),
    )


def drop_events(conn: sqlite3.Connection, event_ids: Sequence[str]) -> None:
    """Remove events that no placement points to any more (merged into others)."""
    for event_id in event_ids:
        conn.execute(
            "DELETE FROM events WHERE id = ? AND NOT EXISTS "
            "(SELECT 1 FROM placements WHERE event_id = ?)",
            (event_id, event_id),
        )


def retitle_stories(conn: sqlite3.Connection, story_ids: Sequence[str]) -> None:
    """Title each story by its largest event (the earliest of equals): a thread is named
    by what most of its coverage is about, not by whichever article happened to open it."""
    for story_id in story_ids:
        conn.execute(
            "UPDATE stories SET title = COALESCE((SELECT e.title FROM events e "
            "WHERE e.story_id = stories.id ORDER BY e.articles DESC, e.start IS NULL, "
            "e.start, e.id LIMIT 1), title) WHERE id = ?",
            (story_id,),
        )


def log_lines(conn: sqlite3.Connection, lines: Sequence[str]) -> None:
    """Log lines of the form ``action: subjects (reason)``, one row each."""
    for line in lines:
        action, _, rest = line.partition(": ")
        subjects, _, reason = rest.partition(" (")
        log(conn, action, [subjects], reason.rstrip(")"))


def redirect(conn: sqlite3.Connection, redirects: Sequence[tuple[str, str]]) -> None:
    """Record that each ``old`` story id now leads to ``new`` (merged into it); an id
    that comes back (a split reuses no id, but a rebuild may) stops redirecting."""
    for old, new in redirects:
        conn.execute(
            "INSERT INTO story_redirects(old_id, new_id, at) VALUES (?, ?, ?) "
            "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
            (old, new, _now()),
        )
    conn.execute("DELETE FROM story_redirects WHERE old_id IN (SELECT id FROM stories)")


_MAX_HOPS = 100  # a chain of merges longer than this is a loop


def resolve_story(conn: sqlite3.Connection, story_id: str) -> str | None:
    """The live story ``story_id`` names: itself, or where its merges led; ``None``
    when it names none."""
    current = story_id
    for _ in range(_MAX_HOPS):
        if conn.execute("SELECT 1 FROM stories WHERE id = ?", (current,)).fetchone():
            return current
        row = conn.execute(
            "SELECT new_id FROM story_redirects WHERE old_id = ?", (current,)
        ).fetchone()
        if row is None:
            return None
        current = str(row[0])
    return None


def reset(conn: sqlite3.Connection) -> None:
    """Forget every placement, event, story and redirect (a rebuild numbers anew)."""
    for table in ("placements", "events", "stories", "cluster_state", "story_redirects"):
        conn.execute(f"DELETE FROM {table}")
