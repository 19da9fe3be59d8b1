"""Issue 20: ingest asks the store its dedupe questions once per window of documents
(``find_by_hashes``, ``band_matches``, ``existing_ids``), on SQLite and on a real
PostgreSQL server, and links every copy exactly as asking once per document did:
copies inside one window, across writes in the middle of a window, an older copy that
becomes the original, an id seen twice."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline import service
from storyline.settings import load_settings
from storyline.store.base import ArticleFilter, Store
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article

SETTINGS = load_settings({"ingest.workers": 1, "enrich.on_ingest": False}, environ={})


def _records() -> list[dict[str, object]]:
    rng = random.Random(20)
    records: list[dict[str, object]] = [
        {"id": f"u{i:03d}", "text": synthetic_article(rng, 120), "published": "2020-03-01"}
        for i in range(120)
    ]
    x = synthetic_article(rng, 200)
    y = synthetic_article(rng, 150)
    placed: list[tuple[int, dict[str, object]]] = [
        (5, {"id": "x-late", "text": x, "published": "2020-02-03"}),
        (30, {"id": "x-early", "text": x, "published": "2020-02-01"}),  # older: the original
        (
            62,
            {
                "id": "x-near",
                "text": x + " Additional reporting by staff.",
                "published": "2020-02-05",
            },
        ),
        (100, {"id": "x-again", "text": x, "published": "2020-02-04"}),
        (48, {"id": "y1", "text": y, "published": "2020-02-10"}),
        (49, {"id": "y2", "text": y, "published": "2020-02-11"}),
        (50, {"id": "y3", "text": y + " Reporting by staff.", "published": "2020-02-12"}),
        (70, dict(records[3])),  # the same id again: unchanged
    ]
    for position, record in sorted(placed, key=lambda p: p[0]):
        records.insert(position, record)
    return records


@pytest.fixture(params=["sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest) -> Iterator[object]:
    made: list[Store] = []

    def make() -> Store:
        if request.param == "sqlite":
            store: Store = SQLiteStore(memory=True)
        else:
            pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")
            from storyline.store.postgres import PostgresStore

            store = PostgresStore(request.getfixturevalue("pg_server").create_database())
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def _links(store: Store) -> dict[str, tuple[str | None, str | None]]:
    return {
        a.id: (a.duplicate_of, a.duplicate_kind)
        for a in store.list_articles(ArticleFilter(limit=None))
    }


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_copies_link_the_same_whatever_the_batches(
    tmp_path: Path, make_store: object, batch_size: int
) -> None:
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()), encoding="utf-8")
    store = make_store()  # type: ignore[operator]
    settings = SETTINGS.with_overrides({"ingest.batch_size": batch_size})
    report = service.ingest(store, [str(path)], settings)
    assert (report.added, report.unchanged, report.duplicates) == (
        127,
        1,
        4,
    )  # x-late was an original when it came
    links = _links(store)
    assert links["x-early"] == (None, None)
    assert links["x-late"] == ("x-early", "exact")
    assert links["x-near"] == ("x-early", "near")
    assert links["x-again"] == ("x-early", "exact")
    assert links["y1"] == (None, None)
    assert links["y2"] == ("y1", "exact")
    assert links["y3"] == ("y1", "near")
    assert sum(1 for of, _ in links.values() if of is not None) == 5
    # a second run over the same input asks by window too and changes nothing
    again = service.ingest(store, [str(path)], settings)
    assert (again.added, again.unchanged) == (0, 128)
    assert _links(store) == links


def test_a_later_run_finds_copies_in_the_store(tmp_path: Path, make_store: object) -> None:
    records = _records()
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first.write_text("\n".join(json.dumps(r) for r in records[:60]), encoding="utf-8")
    second.write_text("\n".join(json.dumps(r) for r in records[60:]), encoding="utf-8")
    store = make_store()  # type: ignore[operator]
    service.ingest(store, [str(first)], SETTINGS)
    report = service.ingest(store, [str(second)], SETTINGS)
    links = _links(store)
    assert report.unchanged == 1
    assert links["x-near"] == ("x-early", "near")  # stored original, found by its bands
    assert links["x-again"] == ("x-early", "exact")  # stored original, found by its hash
    # the store answers many documents at once as it answers each alone
    keys = [k for a in ("x-near", "y3") for k in _bands(store, a)]
    pairs = store.band_matches(keys)
    assert {s.article_id for _, s in pairs} == {"x-early", "y1"}
    assert [s.article_id for s in store.find_by_bands(keys)] == ["x-early", "y1"]  # arrival order
    x_hash = store.get_article("x-early").content_hash
    y_hash = store.get_article("y1").content_hash
    found = store.find_by_hashes([x_hash, y_hash, "no-such-hash"])
    assert found == {
        x_hash: list(store.find_by_hash(x_hash)),
        y_hash: list(store.find_by_hash(y_hash)),
    }
    assert [i for i, _ in found[x_hash]] == ["x-early"]


def _bands(store: Store, article_id: str) -> list[bytes]:
    from storyline.ingest.dedupe import fingerprint

    article = store.get_article(article_id)
    made = fingerprint(
        article.text,
        threshold=SETTINGS["dedupe.threshold"],
        num_perm=SETTINGS["dedupe.num_perm"],
    )
    return list(made.bands)


def test_sqlite_asks_once_per_window_not_per_document(tmp_path: Path) -> None:
    rng = random.Random(21)
    records = [{"id": f"d{i}", "text": synthetic_article(rng, 100)} for i in range(200)]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    store = SQLiteStore(memory=True)
    lookups: list[str] = []
    store._conn.set_trace_callback(
        lambda sql: lookups.append(sql) if sql.lstrip().upper().startswith("SELECT") else None
    )
    report = service.ingest(
        store, [str(path)], SETTINGS.with_overrides({"ingest.batch_size": 1000})
    )
    assert report.added == 200
    # 4 windows of 50 documents × (ids, hashes, bands) + the seq of the one write
    assert len(lookups) <= 4 * 4 + 2, lookups
