"""SQL for enrichment results, canonical entities and mentions (SQLite)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from storyline.models import Enrichment, Entity, Figure, Mention, Place, Quote, TimeExpr


def enrichment_to_json(item: Enrichment) -> str:
    data: dict[str, Any] = {
        "mentions": [asdict(m) for m in item.mentions],
        "entities": [asdict(e) for e in item.entities],
        "times": [asdict(t) for t in item.times],
        "quotes": [asdict(q) for q in item.quotes],
        "figures": [asdict(f) for f in item.figures],
        "places": [asdict(p) for p in item.places],
    }
    return json.dumps(data, ensure_ascii=False)


def _tuples(row: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}


def enrichment_from_json(article_id: str, producer: str, text: str) -> Enrichment:
    data = json.loads(text)
    return Enrichment(
        article_id=article_id,
        mentions=tuple(Mention(**_tuples(m)) for m in data["mentions"]),
        entities=tuple(Entity(**_tuples(e)) for e in data["entities"]),
        times=tuple(TimeExpr(**t) for t in data["times"]),
        quotes=tuple(Quote(**q) for q in data["quotes"]),
        figures=tuple(Figure(**f) for f in data["figures"]),
        places=tuple(Place(**p) for p in data["places"]),
        producer=producer,
    )


def save(conn: sqlite3.Connection, items: Sequence[Enrichment], entities: Sequence[Entity]) -> None:
    """Replace the enrichment of these articles and upsert the entities (in a transaction)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for entity in entities:
        conn.execute(
            "INSERT INTO entities(key, name, type, aliases, attributes) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET name = excluded.name, type = excluded.type, "
            "aliases = excluded.aliases, attributes = excluded.attributes",
            (
                entity.key,
                entity.name,
                entity.type,
                json.dumps(list(entity.aliases), ensure_ascii=False),
                json.dumps(list(entity.attributes), ensure_ascii=False),
            ),
        )
    for item in items:
        conn.execute("DELETE FROM mentions WHERE article_id = ?", (item.article_id,))
        conn.execute(
            "INSERT OR REPLACE INTO enrichments(article_id, producer, data, enriched_at) "
            "VALUES (?, ?, ?, ?)",
            (item.article_id, item.producer, enrichment_to_json(item), now),
        )
        conn.executemany(
            "INSERT INTO mentions(article_id, entity_key, start, end, text) VALUES (?, ?, ?, ?, ?)",
            [
                (item.article_id, m.entity, m.start, m.end, m.text)
                for m in item.mentions
                if m.entity
            ],
        )


def load(conn: sqlite3.Connection, article_id: str) -> Enrichment | None:
    row = conn.execute(
        "SELECT producer, data FROM enrichments WHERE article_id = ?", (article_id,)
    ).fetchone()
    return None if row is None else enrichment_from_json(article_id, row[0], row[1])


def unenriched(conn: sqlite3.Connection, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT a.id FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id "
        "WHERE e.article_id IS NULL ORDER BY a.seq LIMIT ?",
        (limit,),
    )
    return [row[0] for row in rows]


def all_entities(conn: sqlite3.Connection) -> list[Entity]:
    rows = conn.execute("SELECT key, name, type, aliases, attributes FROM entities")
    return [
        Entity(row[0], row[1], row[2], tuple(json.loads(row[3])), tuple(json.loads(row[4])))
        for row in rows
    ]


def entity_counts(
    conn: sqlite3.Connection, *, type: str | None, limit: int | None
) -> list[tuple[Entity, int, int]]:
    sql = (
        "SELECT e.key, e.name, e.type, e.aliases, e.attributes, COUNT(*), "
        "COUNT(DISTINCT m.article_id) FROM mentions m JOIN entities e ON e.key = m.entity_key"
    )
    args: list[Any] = []
    if type is not None:
        sql += " WHERE e.type = ?"
        args.append(type)
    sql += " GROUP BY e.key ORDER BY COUNT(DISTINCT m.article_id) DESC, COUNT(*) DESC, e.name"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [
        (
            Entity(row[0], row[1], row[2], tuple(json.loads(row[3])), tuple(json.loads(row[4]))),
            int(row[5]),
            int(row[6]),
        )
        for row in conn.execute(sql, args)
    ]
