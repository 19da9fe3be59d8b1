"""SQL for enrichment results, canonical entities and mentions: the same statements on
both stores (see ``store.portable``), with :class:`EnrichmentMethods` the ``Store``
methods over them. Enrichments are JSON (``JSONB`` on PostgreSQL). Rows that several
processes may write at once (entities, enrichments) are written in key order with
upserts, so two writers never deadlock and never store a row twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from storyline.models import Enrichment, Entity, Figure, Mention, Place, Quote, TimeExpr
from storyline.store.portable import (
    Connection,
    ConnectionLender,
    chunks,
    copy_rows,
    json_value,
    one_of,
    run_many,
    run_sql,
)


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


def save(conn: Connection, items: Sequence[Enrichment], entities: Sequence[Entity]) -> None:
    """Replace the enrichment of these articles and upsert the entities (in a transaction)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    unique = {entity.key: entity for entity in entities}
    run_many(
        conn,
        "INSERT INTO entities(key, name, type, aliases, attributes) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET name = excluded.name, type = excluded.type, "
        "aliases = excluded.aliases, attributes = excluded.attributes",
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
    # The upsert locks each enrichment row first (PostgreSQL), so a second writer of the
    # same article waits here and then replaces (never doubles) its mentions.
    run_many(
        conn,
        "INSERT INTO enrichments(article_id, producer, data, enriched_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(article_id) DO UPDATE SET producer = excluded.producer, "
        "data = excluded.data, enriched_at = excluded.enriched_at",
        [
            (article_id, item.producer, json_value(conn, enrichment_to_json(item)), now)
            for article_id, item in ordered
        ],
    )
    for chunk in chunks(conn, [article_id for article_id, _ in ordered]):
        test, args = one_of(conn, chunk)
        run_sql(conn, f"DELETE FROM mentions WHERE article_id {test}", args)
    copy_rows(
        conn,
        "mentions",
        ("article_id", "entity_key", "start", '"end"', "text"),
        [
            (article_id, m.entity, m.start, m.end, m.text)
            for article_id, item in ordered
            for m in item.mentions
            if m.entity
        ],
    )


def load(conn: Connection, article_id: str) -> Enrichment | None:
    row = run_sql(
        conn, "SELECT producer, data FROM enrichments WHERE article_id = ?", (article_id,)
    ).fetchone()
    return None if row is None else enrichment_from_json(article_id, row[0], row[1])


def load_many(conn: Connection, article_ids: Sequence[str]) -> dict[str, Enrichment]:
    """The enrichments of those of ``article_ids`` that have one (one query per chunk)."""
    found: dict[str, Enrichment] = {}
    for chunk in chunks(conn, list(dict.fromkeys(article_ids))):
        test, args = one_of(conn, chunk)
        rows = run_sql(
            conn,
            f"SELECT article_id, producer, data FROM enrichments WHERE article_id {test}",
            args,
        )
        for article_id, producer, data in rows:
            found[article_id] = enrichment_from_json(article_id, producer, data)
    return found


def unenriched(conn: Connection, limit: int) -> list[str]:
    rows = run_sql(
        conn,
        "SELECT a.id FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM enrichments e WHERE e.article_id = a.id) ORDER BY a.seq LIMIT ?",
        (limit,),
    )
    return [row[0] for row in rows]


def _entity(row: Sequence[Any]) -> Entity:
    return Entity(row[0], row[1], row[2], tuple(json.loads(row[3])), tuple(json.loads(row[4])))


def all_entities(conn: Connection) -> list[Entity]:
    rows = run_sql(conn, "SELECT key, name, type, aliases, attributes FROM entities ORDER BY key")
    return [_entity(row) for row in rows]


def entity_counts(
    conn: Connection, *, type: str | None, limit: int | None
) -> list[tuple[Entity, int, int]]:
    sql = (
        "SELECT e.key, e.name, e.type, e.aliases, e.attributes, COUNT(*), "
        "COUNT(DISTINCT m.article_id) FROM mentions m JOIN entities e ON e.key = m.entity_key"
    )
    args: list[Any] = []
    if type is not None:
        sql += " WHERE e.type = ?"
        args.append(type)
    sql += (
        " GROUP BY e.key ORDER BY COUNT(DISTINCT m.article_id) DESC, COUNT(*) DESC, e.name, e.key"
    )
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [(_entity(row), int(row[5]), int(row[6])) for row in run_sql(conn, sql, args)]


class EnrichmentMethods(ConnectionLender):
    """The enrichment and entity methods of the ``Store`` protocol."""

    def unenriched_ids(self, limit: int) -> list[str]:
        with self._reading() as conn:
            return unenriched(conn, limit)

    def save_enrichments(self, items: Sequence[Enrichment], entities: Sequence[Entity]) -> None:
        if not items and not entities:
            return
        with self._writing() as conn:
            save(conn, items, entities)

    def get_enrichment(self, article_id: str) -> Enrichment | None:
        with self._reading() as conn:
            return load(conn, article_id)

    def get_enrichments(self, article_ids: Sequence[str]) -> dict[str, Enrichment]:
        with self._reading() as conn:
            return load_many(conn, article_ids)

    def all_entities(self) -> list[Entity]:
        with self._reading() as conn:
            return all_entities(conn)

    def entity_counts(
        self, *, type: str | None = None, limit: int | None = None
    ) -> list[tuple[Entity, int, int]]:
        with self._reading() as conn:
            return entity_counts(conn, type=type, limit=limit)
