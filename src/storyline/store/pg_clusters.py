"""SQL for enrichments, entities, events, stories, placements and the clusterer's state
(PostgreSQL): the twins of :mod:`storyline.store.enrichments` and
:mod:`storyline.store.clusters`, giving the same rows in the same order.

Functions take a psycopg connection inside a transaction. Rows that several processes may
write at once (entities, enrichments) are written in key order with upserts, so two
writers never deadlock and never store a row twice.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from storyline.models import Enrichment, Entity
from storyline.store.clusters import ClusterProfile, ClusterRow, PlacementRow
from storyline.store.enrichments import enrichment_from_json, enrichment_to_json
from storyline.store.pg_text import json_in, json_out

Conn = Any  # psycopg.Connection[tuple[Any, ...]]; psycopg is an optional dependency


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- enrichments and entities ----------------------------------------------------------


def save_enrichments(conn: Conn, items: Sequence[Enrichment], entities: Sequence[Entity]) -> None:
    """Replace the enrichment of these articles and upsert the entities."""
    now = _now()
    unique = {entity.key: entity for entity in entities}
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO entities(key, name, type, aliases, attributes) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT(key) DO UPDATE SET name = excluded.name, "
            "type = excluded.type, aliases = excluded.aliases, attributes = excluded.attributes",
            [
                (
                    e.key,
                    e.name,
                    e.type,
                    json.dumps(list(e.aliases), ensure_ascii=False),
                    json.dumps(list(e.attributes), ensure_ascii=False),
                )
                for _, e in sorted(unique.items())
            ],
        )
        ordered = sorted({item.article_id: item for item in items}.items())
        # The upsert locks each enrichment row first, so a second writer of the same
        # article waits here and then replaces (never doubles) its mentions.
        cur.executemany(
            "INSERT INTO enrichments(article_id, producer, data, enriched_at) "
            "VALUES (%s, %s, %s::jsonb, %s) ON CONFLICT(article_id) DO UPDATE SET "
            "producer = excluded.producer, data = excluded.data, "
            "enriched_at = excluded.enriched_at",
            [
                (article_id, item.producer, json_in(enrichment_to_json(item)), now)
                for article_id, item in ordered
            ],
        )
        cur.execute("DELETE FROM mentions WHERE article_id = ANY(%s)", ([a for a, _ in ordered],))
        rows = [
            (article_id, m.entity, m.start, m.end, m.text)
            for article_id, item in ordered
            for m in item.mentions
            if m.entity
        ]
        if rows:
            with cur.copy(
                'COPY mentions(article_id, entity_key, start, "end", text) FROM STDIN'
            ) as copy:
                for row in rows:
                    copy.write_row(row)


def load_enrichment(conn: Conn, article_id: str) -> Enrichment | None:
    row = conn.execute(
        "SELECT producer, data::text FROM enrichments WHERE article_id = %s", (article_id,)
    ).fetchone()
    return None if row is None else enrichment_from_json(article_id, row[0], json_out(row[1]))


def unenriched(conn: Conn, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT a.id FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM enrichments e WHERE e.article_id = a.id) ORDER BY a.seq LIMIT %s",
        (limit,),
    )
    return [row[0] for row in rows]


def _entity(row: Sequence[Any]) -> Entity:
    return Entity(row[0], row[1], row[2], tuple(json.loads(row[3])), tuple(json.loads(row[4])))


def all_entities(conn: Conn) -> list[Entity]:
    rows = conn.execute("SELECT key, name, type, aliases, attributes FROM entities ORDER BY key")
    return [_entity(row) for row in rows]


def entity_counts(
    conn: Conn, *, type: str | None, limit: int | None
) -> list[tuple[Entity, int, int]]:
    sql = (
        "SELECT e.key, e.name, e.type, e.aliases, e.attributes, COUNT(*), "
        "COUNT(DISTINCT m.article_id) FROM mentions m JOIN entities e ON e.key = m.entity_key"
    )
    args: list[Any] = []
    if type is not None:
        sql += " WHERE e.type = %s"
        args.append(type)
    sql += (
        " GROUP BY e.key ORDER BY COUNT(DISTINCT m.article_id) DESC, COUNT(*) DESC, e.name, e.key"
    )
    if limit is not None:
        sql += " LIMIT %s"
        args.append(limit)
    return [(_entity(row), int(row[5]), int(row[6])) for row in conn.execute(sql, args)]


# --- placements, events, stories -------------------------------------------------------


def save_clusters(
    conn: Conn,
    placements: Sequence[PlacementRow],
    events: Sequence[ClusterRow],
    state: bytes,
    producer: str,
) -> set[str]:
    """The twin of :func:`storyline.store.clusters.save`; returns the stories touched."""
    touched: set[str] = set()
    if events:
        rows = conn.execute(
            "SELECT story_id FROM events WHERE id = ANY(%s)", ([e.id for e in events],)
        )
        touched.update(row[0] for row in rows if row[0])
        touched.update(e.story_id for e in events if e.story_id)
    seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM placements").fetchone()[0])
    rows_out = []
    for row in placements:
        seq += 1
        rows_out.append(
            (
                row.article_id,
                row.event_id,
                row.story_id,
                seq,
                json_in(json.dumps(row.explanation, ensure_ascii=False)),
                row.producer,
            )
        )
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO placements(article_id, event_id, story_id, seq, explanation, producer) "
            "VALUES (%s, %s, %s, %s, %s::jsonb, %s) ON CONFLICT(article_id) DO UPDATE SET "
            "event_id = excluded.event_id, story_id = excluded.story_id, "
            "explanation = excluded.explanation, producer = excluded.producer",
            rows_out,
        )
        cur.executemany(
            'INSERT INTO events(id, story_id, title, start, "end", articles, last_seq) '
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT(id) DO UPDATE SET "
            "story_id = excluded.story_id, title = excluded.title, start = excluded.start, "
            '"end" = excluded."end", articles = excluded.articles, last_seq = excluded.last_seq',
            [(e.id, e.story_id or "", e.title, e.start, e.end, e.articles, seq) for e in events],
        )
    conn.execute(
        "INSERT INTO cluster_state(id, producer, state, saved_at) VALUES (1, %s, %s, %s) "
        "ON CONFLICT(id) DO UPDATE SET producer = excluded.producer, state = excluded.state, "
        "saved_at = excluded.saved_at",
        (producer, state, _now()),
    )
    return touched


def recount(conn: Conn, story_ids: Sequence[str]) -> None:
    """The twin of :func:`storyline.store.clusters.recount`."""
    if not story_ids:
        return
    counted = {
        row[0]: row[1:]
        for row in conn.execute(
            'SELECT story_id, COUNT(*), COALESCE(SUM(articles), 0), MIN(start), MAX("end"), '
            "COALESCE(MAX(last_seq), 0) FROM events WHERE story_id = ANY(%s) GROUP BY story_id",
            (list(story_ids),),
        )
    }
    gone = [s for s in story_ids if s not in counted]
    if gone:
        conn.execute("DELETE FROM stories WHERE id = ANY(%s)", (gone,))
    with conn.cursor() as cur:
        cur.executemany(
            'INSERT INTO stories(id, title, start, "end", articles, events, last_seq) '
            "VALUES (%s, '', %s, %s, %s, %s, %s) ON CONFLICT(id) DO UPDATE SET "
            'start = excluded.start, "end" = excluded."end", articles = excluded.articles, '
            "events = excluded.events, "
            "last_seq = GREATEST(stories.last_seq, excluded.last_seq)",
            [
                (story_id, start, end, int(articles), int(count), int(last_seq))
                for story_id, (count, articles, start, end, last_seq) in sorted(counted.items())
            ],
        )


def retitle_stories(conn: Conn, story_ids: Sequence[str]) -> None:
    if not story_ids:
        return
    conn.execute(
        "UPDATE stories SET title = COALESCE((SELECT e.title FROM events e "
        "WHERE e.story_id = stories.id ORDER BY e.articles DESC, e.start IS NULL, "
        "e.start, e.id LIMIT 1), title) WHERE id = ANY(%s)",
        (list(story_ids),),
    )


def drop_events(conn: Conn, event_ids: Sequence[str]) -> None:
    if event_ids:
        conn.execute(
            "DELETE FROM events WHERE id = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM placements p WHERE p.event_id = events.id)",
            (list(event_ids),),
        )


def log_lines(conn: Conn, lines: Sequence[str]) -> None:
    rows = []
    now = _now()
    for line in lines:
        action, _, rest = line.partition(": ")
        subjects, _, reason = rest.partition(" (")
        rows.append((now, action, json.dumps([subjects]), reason.rstrip(")")))
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO cluster_log(at, action, subjects, reason) VALUES (%s, %s, %s, %s)",
                rows,
            )


def redirect(conn: Conn, redirects: Sequence[tuple[str, str]]) -> None:
    now = _now()
    for old, new in redirects:
        conn.execute(
            "INSERT INTO story_redirects(old_id, new_id, at) VALUES (%s, %s, %s) "
            "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
            (old, new, now),
        )
    conn.execute("DELETE FROM story_redirects WHERE old_id IN (SELECT id FROM stories)")


_MAX_HOPS = 100


def resolve_story(conn: Conn, story_id: str) -> str | None:
    current = story_id
    for _ in range(_MAX_HOPS):
        if conn.execute("SELECT 1 FROM stories WHERE id = %s", (current,)).fetchone():
            return current
        row = conn.execute(
            "SELECT new_id FROM story_redirects WHERE old_id = %s", (current,)
        ).fetchone()
        if row is None:
            return None
        current = str(row[0])
    return None


def load_state(conn: Conn) -> tuple[str, bytes] | None:
    row = conn.execute("SELECT producer, state FROM cluster_state WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), bytes(row[1]))


def unclustered(conn: Conn, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT a.id FROM articles a JOIN enrichments e ON e.article_id = a.id "
        "WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.article_id = a.id) "
        "ORDER BY a.published IS NULL, a.published, a.id LIMIT %s",
        (limit,),
    )
    return [row[0] for row in rows]


def members(conn: Conn, *, story: str | None, event: str | None) -> list[str]:
    if event is not None:
        rows = conn.execute(
            "SELECT article_id FROM placements WHERE event_id = %s ORDER BY seq", (event,)
        )
    else:
        rows = conn.execute(
            "SELECT article_id FROM placements WHERE story_id = %s ORDER BY seq", (story,)
        )
    return [row[0] for row in rows]


def placement(conn: Conn, article_id: str) -> PlacementRow | None:
    row = conn.execute(
        "SELECT article_id, event_id, story_id, explanation::text, producer FROM placements "
        "WHERE article_id = %s",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return PlacementRow(row[0], row[1], row[2], json.loads(json_out(row[3])), row[4])


def _row(row: Sequence[Any], kind: str) -> ClusterRow:
    if kind == "event":
        return ClusterRow(row[0], row[2], row[3], row[4], int(row[5]), story_id=row[1])
    return ClusterRow(row[0], row[1], row[2], row[3], int(row[4]), events=int(row[5]))


def events(conn: Conn, *, story: str | None = None, limit: int | None = None) -> list[ClusterRow]:
    sql = 'SELECT id, story_id, title, start, "end", articles FROM events'
    args: list[Any] = []
    if story is not None:
        sql += " WHERE story_id = %s"
        args.append(story)
    sql += " ORDER BY last_seq DESC, length(id), id"
    if limit is not None:
        sql += " LIMIT %s"
        args.append(limit)
    return [_row(row, "event") for row in conn.execute(sql, args)]


def stories(conn: Conn, *, limit: int | None = None) -> list[ClusterRow]:
    sql = (
        'SELECT id, title, start, "end", articles, events FROM stories '
        "ORDER BY last_seq DESC, length(id), id"
    )
    args: list[Any] = []
    if limit is not None:
        sql += " LIMIT %s"
        args.append(limit)
    return [_row(row, "story") for row in conn.execute(sql, args)]


def get(conn: Conn, kind: str, cluster_id: str) -> ClusterRow | None:
    if kind == "event":
        row = conn.execute(
            'SELECT id, story_id, title, start, "end", articles FROM events WHERE id = %s',
            (cluster_id,),
        ).fetchone()
    else:
        row = conn.execute(
            'SELECT id, title, start, "end", articles, events FROM stories WHERE id = %s',
            (cluster_id,),
        ).fetchone()
    return None if row is None else _row(row, kind)


def profiles(
    conn: Conn, kind: str, cluster_ids: Sequence[str], top: int
) -> dict[str, ClusterProfile]:
    """The twin of :func:`storyline.store.clusters.profiles` (same ranking)."""
    column = "event_id" if kind == "event" else "story_id"
    ids = list(cluster_ids)
    total = int(conn.execute("SELECT COUNT(*) FROM enrichments").fetchone()[0])
    outlets: dict[str, list[tuple[str | None, int]]] = {i: [] for i in ids}
    ranked: dict[str, list[tuple[float, int, str, str]]] = {i: [] for i in ids}
    rows = conn.execute(
        f"SELECT p.{column}, a.source, COUNT(*) AS n FROM placements p "
        f"JOIN articles a ON a.id = p.article_id WHERE p.{column} = ANY(%s) "
        "GROUP BY 1, 2 ORDER BY 1, n DESC, a.source NULLS FIRST",
        (ids,),
    )
    for cluster_id, source, count in rows:
        outlets[cluster_id].append((source, int(count)))
    rows = conn.execute(
        f"WITH named AS (SELECT p.{column} AS cid, m.entity_key AS key, "
        "COUNT(DISTINCT m.article_id) AS n FROM placements p "
        f"JOIN mentions m ON m.article_id = p.article_id WHERE p.{column} = ANY(%s) "
        "GROUP BY 1, 2) "
        "SELECT named.cid, e.key, e.name, named.n, "
        "(SELECT COUNT(DISTINCT d.article_id) FROM mentions d WHERE d.entity_key = e.key) "
        "FROM named JOIN entities e ON e.key = named.key",
        (ids,),
    )
    for cluster_id, key, name, count, df in rows:
        weight = int(count) * (1.0 + math.log((1 + total) / (1 + int(df))))
        ranked[cluster_id].append((-weight, -int(count), str(name), str(key)))
    return {
        i: ClusterProfile(
            tuple(outlets[i]),
            tuple((key, name, -count) for _, count, name, key in sorted(ranked[i])[:top]),
        )
        for i in ids
    }


def reset(conn: Conn) -> None:
    conn.execute("TRUNCATE placements, events, stories, cluster_state, story_redirects")
