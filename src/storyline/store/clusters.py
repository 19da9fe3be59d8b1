"""SQL for events, stories, article placements and the clusterer's saved state: the
same statements on both stores (see ``store.portable``), with :class:`ClusterMethods`
the ``Store`` methods over them.

The clusterer's state is stored as the JSON bytes the service gives (no pickle: a store
file from elsewhere is data, never code). Explanations are JSON (``JSONB`` on
PostgreSQL). Statements over many ids test them with one array on PostgreSQL, in chunks
on SQLite.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storyline.store.portable import (
    Connection,
    ConnectionLender,
    chunks,
    json_value,
    one_of,
    run_many,
    run_sql,
)


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
    conn: Connection,
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
    for chunk in chunks(conn, [e.id for e in events]):
        test, args = one_of(conn, chunk)
        rows = run_sql(conn, f"SELECT story_id FROM events WHERE id {test}", args)
        touched.update(row[0] for row in rows if row[0])
    touched.update(e.story_id for e in events if e.story_id)
    seq = int(run_sql(conn, "SELECT COALESCE(MAX(seq), 0) FROM placements").fetchone()[0])
    rows_out = []
    for row in placements:
        seq += 1
        explanation = json_value(conn, json.dumps(row.explanation, ensure_ascii=False))
        rows_out.append(
            (row.article_id, row.event_id, row.story_id, seq, explanation, row.producer)
        )
    run_many(
        conn,
        "INSERT INTO placements(article_id, event_id, story_id, seq, explanation, producer) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET "
        "event_id = excluded.event_id, story_id = excluded.story_id, "
        "explanation = excluded.explanation, producer = excluded.producer",
        rows_out,
    )
    run_many(
        conn,
        'INSERT INTO events(id, story_id, title, start, "end", articles, last_seq) '
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "story_id = excluded.story_id, title = excluded.title, start = excluded.start, "
        '"end" = excluded."end", articles = excluded.articles, last_seq = excluded.last_seq',
        [(e.id, e.story_id or "", e.title, e.start, e.end, e.articles, seq) for e in events],
    )
    run_sql(
        conn,
        "INSERT INTO cluster_state(id, producer, state, saved_at) VALUES (1, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET producer = excluded.producer, state = excluded.state, "
        "saved_at = excluded.saved_at",
        (producer, state, _now()),
    )
    return touched


def recount(conn: Connection, story_ids: Sequence[str]) -> None:
    """Recount each story from its events (articles, events, first and last day), create
    the row of a new story, and drop a story left without events (merged into another).
    Titles are :func:`retitle_stories`' job."""
    counted: dict[str, tuple[Any, ...]] = {}
    for chunk in chunks(conn, list(story_ids)):
        test, args = one_of(conn, chunk)
        rows = run_sql(
            conn,
            'SELECT story_id, COUNT(*), COALESCE(SUM(articles), 0), MIN(start), MAX("end"), '
            f"COALESCE(MAX(last_seq), 0) FROM events WHERE story_id {test} GROUP BY story_id",
            args,
        )
        counted.update((row[0], tuple(row[1:])) for row in rows)
    for chunk in chunks(conn, [s for s in story_ids if s not in counted]):
        test, args = one_of(conn, chunk)
        run_sql(conn, f"DELETE FROM stories WHERE id {test}", args)
    run_many(
        conn,
        'INSERT INTO stories(id, title, start, "end", articles, events, last_seq) '
        "VALUES (?, '', ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        'start = excluded.start, "end" = excluded."end", articles = excluded.articles, '
        "events = excluded.events, last_seq = CASE WHEN excluded.last_seq > stories.last_seq "
        "THEN excluded.last_seq ELSE stories.last_seq END",
        [
            (story_id, start, end, int(articles), int(count), int(last_seq))
            for story_id, (count, articles, start, end, last_seq) in sorted(counted.items())
        ],
    )


def load_state(conn: Connection) -> tuple[str, bytes] | None:
    row = run_sql(conn, "SELECT producer, state FROM cluster_state WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), bytes(row[1]))


def unclustered(conn: Connection, limit: int) -> list[str]:
    """Enriched articles not placed yet, in publication order (ties and nulls by id)."""
    rows = run_sql(
        conn,
        "SELECT a.id FROM articles a JOIN enrichments e ON e.article_id = a.id "
        "WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.article_id = a.id) "
        "ORDER BY a.published IS NULL, a.published, a.id LIMIT ?",
        (limit,),
    )
    return [row[0] for row in rows]


def members(conn: Connection, *, story: str | None, event: str | None) -> list[str]:
    column, value = ("event_id", event) if event is not None else ("story_id", story)
    rows = run_sql(
        conn, f"SELECT article_id FROM placements WHERE {column} = ? ORDER BY seq", (value,)
    )
    return [row[0] for row in rows]


def placement(conn: Connection, article_id: str) -> PlacementRow | None:
    row = run_sql(
        conn,
        "SELECT article_id, event_id, story_id, explanation, producer FROM placements "
        "WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return PlacementRow(row[0], row[1], row[2], json.loads(row[3]), row[4])


def _row(row: Sequence[Any], kind: str) -> ClusterRow:
    if kind == "event":
        return ClusterRow(row[0], row[2], row[3], row[4], int(row[5]), story_id=row[1])
    return ClusterRow(row[0], row[1], row[2], row[3], int(row[4]), events=int(row[5]))


_EVENT_COLUMNS = 'id, story_id, title, start, "end", articles'
_STORY_COLUMNS = 'id, title, start, "end", articles, events'


def events(
    conn: Connection, *, story: str | None = None, limit: int | None = None
) -> list[ClusterRow]:
    sql = f"SELECT {_EVENT_COLUMNS} FROM events"
    args: list[Any] = []
    if story is not None:
        sql += " WHERE story_id = ?"
        args.append(story)
    sql += " ORDER BY last_seq DESC, length(id), id"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_row(row, "event") for row in run_sql(conn, sql, args)]


def stories(conn: Connection, *, limit: int | None = None) -> list[ClusterRow]:
    sql = f"SELECT {_STORY_COLUMNS} FROM stories ORDER BY last_seq DESC, length(id), id"
    args: list[Any] = []
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_row(row, "story") for row in run_sql(conn, sql, args)]


def get(conn: Connection, kind: str, cluster_id: str) -> ClusterRow | None:
    if kind == "event":
        sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?"
    else:
        sql = f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?"
    row = run_sql(conn, sql, (cluster_id,)).fetchone()
    return None if row is None else _row(row, kind)


_CHUNK = 500  # cluster ids per query on SQLite (it caps the number of bound parameters)


def profiles(
    conn: Connection, kind: str, cluster_ids: Sequence[str], top: int
) -> dict[str, ClusterProfile]:
    """Outlets and the ``top`` entities of each event or story: the entities its articles
    name, ranked by how many of them do times how rare the entity is in the store (an
    inverse document frequency), so the country every story mentions ranks below the
    people and places this one is about."""
    column = "event_id" if kind == "event" else "story_id"
    total = int(run_sql(conn, "SELECT COUNT(*) FROM enrichments").fetchone()[0])
    outlets: dict[str, list[tuple[str | None, int]]] = {i: [] for i in cluster_ids}
    ranked: dict[str, list[tuple[float, int, str, str]]] = {i: [] for i in cluster_ids}
    for chunk in chunks(conn, list(dict.fromkeys(cluster_ids)), _CHUNK):
        test, args = one_of(conn, chunk)
        rows = run_sql(
            conn,
            f"SELECT p.{column}, a.source, COUNT(*) AS n FROM placements p "
            f"JOIN articles a ON a.id = p.article_id WHERE p.{column} {test} "
            "GROUP BY 1, 2 ORDER BY 1, n DESC, a.source IS NOT NULL, a.source",
            args,
        )
        for cluster_id, source, count in rows:
            outlets[cluster_id].append((source, int(count)))
        rows = run_sql(
            conn,
            f"WITH named AS (SELECT p.{column} AS cid, m.entity_key AS key, "
            "COUNT(DISTINCT m.article_id) AS n FROM placements p "
            f"JOIN mentions m ON m.article_id = p.article_id WHERE p.{column} {test} "
            "GROUP BY 1, 2) "
            "SELECT named.cid, e.key, e.name, named.n, "
            "(SELECT COUNT(DISTINCT d.article_id) FROM mentions d WHERE d.entity_key = e.key) "
            "FROM named JOIN entities e ON e.key = named.key",
            args,
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


def drop_events(conn: Connection, event_ids: Sequence[str]) -> None:
    """Remove events that no placement points to any more (merged into others)."""
    for chunk in chunks(conn, list(event_ids)):
        test, args = one_of(conn, chunk)
        run_sql(
            conn,
            f"DELETE FROM events WHERE id {test} AND NOT EXISTS "
            "(SELECT 1 FROM placements p WHERE p.event_id = events.id)",
            args,
        )


def retitle_stories(conn: Connection, story_ids: Sequence[str]) -> None:
    """Title each story by its largest event (the earliest of equals): a thread is named
    by what most of its coverage is about, not by whichever article happened to open it."""
    for chunk in chunks(conn, list(story_ids)):
        test, args = one_of(conn, chunk)
        run_sql(
            conn,
            "UPDATE stories SET title = COALESCE((SELECT e.title FROM events e "
            "WHERE e.story_id = stories.id ORDER BY e.articles DESC, e.start IS NULL, "
            f"e.start, e.id LIMIT 1), title) WHERE id {test}",
            args,
        )


def log_lines(conn: Connection, lines: Sequence[str]) -> None:
    """Log lines of the form ``action: subjects (reason)``, one row each."""
    now = _now()
    rows = []
    for line in lines:
        action, _, rest = line.partition(": ")
        subjects, _, reason = rest.partition(" (")
        rows.append((now, action, json.dumps([subjects]), reason.rstrip(")")))
    run_many(
        conn, "INSERT INTO cluster_log(at, action, subjects, reason) VALUES (?, ?, ?, ?)", rows
    )


def redirect(conn: Connection, redirects: Sequence[tuple[str, str]]) -> None:
    """Record that each ``old`` story id now leads to ``new`` (merged into it); an id
    that comes back (a split reuses no id, but a rebuild may) stops redirecting."""
    now = _now()
    run_many(
        conn,
        "INSERT INTO story_redirects(old_id, new_id, at) VALUES (?, ?, ?) "
        "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
        [(old, new, now) for old, new in redirects],
    )
    run_sql(conn, "DELETE FROM story_redirects WHERE old_id IN (SELECT id FROM stories)")


_MAX_HOPS = 100  # a chain of merges longer than this is a loop


def resolve_story(conn: Connection, story_id: str) -> str | None:
    """The live story ``story_id`` names: itself, or where its merges led; ``None``
    when it names none."""
    current = story_id
    for _ in range(_MAX_HOPS):
        if run_sql(conn, "SELECT 1 FROM stories WHERE id = ?", (current,)).fetchone():
            return current
        row = run_sql(
            conn, "SELECT new_id FROM story_redirects WHERE old_id = ?", (current,)
        ).fetchone()
        if row is None:
            return None
        current = str(row[0])
    return None


def reset(conn: Connection) -> None:
    """Forget every placement, event, story and redirect (a rebuild numbers anew)."""
    for table in ("placements", "events", "stories", "cluster_state", "story_redirects"):
        run_sql(conn, f"DELETE FROM {table}")


class ClusterMethods(ConnectionLender):
    """The event, story and placement methods of the ``Store`` protocol."""

    def unclustered_ids(self, limit: int) -> list[str]:
        with self._reading() as conn:
            return unclustered(conn, limit)

    def load_cluster_state(self) -> tuple[str, bytes] | None:
        with self._reading() as conn:
            return load_state(conn)

    def save_clusters(
        self,
        placements: Sequence[PlacementRow],
        events: Sequence[ClusterRow],
        state: bytes,
        producer: str,
        log: Sequence[str] = (),
        dropped: Sequence[str] = (),
        redirects: Sequence[tuple[str, str]] = (),
    ) -> None:
        with self._writing() as conn:
            touched = save(conn, placements, events, state, producer)
            drop_events(conn, dropped)
            recount(conn, sorted(touched))
            retitle_stories(conn, sorted(touched))
            log_lines(conn, log)
            redirect(conn, redirects)

    def get_cluster(self, kind: str, cluster_id: str) -> ClusterRow | None:
        with self._reading() as conn:
            return get(conn, kind, cluster_id)

    def resolve_story(self, story_id: str) -> str | None:
        with self._reading() as conn:
            return resolve_story(conn, story_id)

    def list_clusters(
        self, kind: str, *, story: str | None = None, limit: int | None = None
    ) -> list[ClusterRow]:
        with self._reading() as conn:
            if kind == "event":
                return events(conn, story=story, limit=limit)
            return stories(conn, limit=limit)

    def cluster_members(self, *, story: str | None, event: str | None) -> list[str]:
        with self._reading() as conn:
            return members(conn, story=story, event=event)

    def cluster_profiles(
        self, kind: str, cluster_ids: Sequence[str], top: int
    ) -> dict[str, ClusterProfile]:
        with self._reading() as conn:
            return profiles(conn, kind, cluster_ids, top)

    def get_placement(self, article_id: str) -> PlacementRow | None:
        with self._reading() as conn:
            return placement(conn, article_id)

    def reset_clusters(self) -> None:
        with self._writing() as conn:
            reset(conn)

    def log_clusters(self, lines: Sequence[str]) -> None:
        with self._writing() as conn:
            log_lines(conn, lines)
