"""Issue 20: the store tests run against SQLite and a real PostgreSQL server (a throwaway
cluster, tests/pgserver.py), plus what only a shared PostgreSQL store promises."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import pytest

from storyline.errors import NotFoundError, StoreError
from storyline.models import Edit, Enrichment, Entity, IngestReport, Mention, Rejection
from storyline.store.base import ArticleFilter, Store
from storyline.store.clusters import ClusterRow, PlacementRow
from tests.store.conftest import stored_article as _article

psycopg = pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")

from storyline.store.pg_migrations import PG_MIGRATIONS  # noqa: E402
from storyline.store.postgres import PostgresStore  # noqa: E402


def test_round_trip_keeps_every_field(store: Store) -> None:
    edit = Edit(3, 10, "Aleppoby", "Aleppo by", "glued-words")
    article, sig, bands = _article(
        "a1",
        "Body text here about the talks. <script>alert('x')</script> \u202e",
        title="Headline \U0001f600",
        published="2016-09-06",
        source="TRT World",
        authors=("Henry Meyer",),
        credits=("Reuters",),
        edits=(edit,),
        html="<p>Body</p>",
        labels={"event": "e1"},
    )
    store.add_articles([(article, sig, bands)])
    back = store.get_article("a1")
    assert back == article
    assert back.edits == (edit,)
    assert back.html == "<p>Body</p>"
    assert store.get_articles(["zz", "a1"]) == [article]
    with pytest.raises(NotFoundError, match="'nope'"):
        store.get_article("nope")


def test_list_filters_and_order(store: Store) -> None:
    store.add_articles(
        [
            _article("b", "second text about Syria", published="2016-10-15", source="Bloomberg"),
            _article("a", "first text about Syria", published="2016-09-06", source="TRT World"),
            _article("c", "undated text about Aleppo"),
            _article("B", "upper-case id sorts first byte by byte", published="2016-10-15"),
        ]
    )
    assert [a.id for a in store.list_articles(ArticleFilter())] == ["a", "B", "b", "c"]
    assert [a.id for a in store.list_articles(ArticleFilter(source="Bloomberg"))] == ["b"]
    assert [a.id for a in store.list_articles(ArticleFilter(since="2016-10-01"))] == ["B", "b"]
    assert [a.id for a in store.list_articles(ArticleFilter(until="2016-09-30"))] == ["a"]
    assert [a.id for a in store.list_articles(ArticleFilter(query="ALEPPO"))] == ["c"]
    assert [a.id for a in store.list_articles(ArticleFilter(limit=1, offset=1))] == ["B"]


def test_duplicates_lookup_and_relink(store: Store) -> None:
    text = "the same syndicated wire story text " * 5
    first, sig, bands = _article("late", text, published="2016-09-07")
    store.add_articles([(first, sig, bands)])
    assert [i for i, _ in store.find_by_hash(first.content_hash)] == ["late"]
    assert [s.article_id for s in store.find_by_bands(bands)] == ["late"]
    assert store.find_by_bands(bands)[0].signature == sig
    early, sig2, bands2 = _article("early", text, published="2016-09-06")
    store.add_articles([(early, sig2, bands2)], relinks=[("late", "early", "exact")])
    assert store.get_article("late").duplicate_of == "early"
    assert [i for i, _ in store.find_by_hash(first.content_hash)] == ["early"]
    assert store.existing_ids(["late", "early", "other"]) == {"late", "early"}


def test_runs_rejections_and_stats(store: Store) -> None:
    run = store.start_run("ingest x")
    store.add_rejections(run, [Rejection("x/bad.bin", "binary data")])
    store.finish_run(run, IngestReport(added=0, rejected=(Rejection("x/bad.bin", "binary data"),)))
    store.add_articles([_article("a", "one two three four five", source="AP")])
    store.add_articles([_article("b", "six seven")])
    stats = store.stats()
    assert (stats.articles, stats.rejections, stats.runs, stats.words) == (2, 1, 1, 7)
    assert stats.by_source == (("(unknown)", 1), ("AP", 1))
    assert list(store.rejections(run)) == [Rejection("x/bad.bin", "binary data")]
    assert list(store.rejections()) == [Rejection("x/bad.bin", "binary data")]


def test_enrichments_entities_and_mentions(store: Store) -> None:
    kent = Entity("person:anna kent", "Anna Kent", "person", ("Kent",))
    store.add_articles([_article("a1", "Anna Kent spoke."), _article("a2", "Kent left.")])
    assert list(store.unenriched_ids(10)) == ["a1", "a2"]
    text_with_nul = "Anna\x00Kent"  # hostile text survives the JSONB column too
    first = Enrichment("a1", (Mention(0, 9, text_with_nul, "PERSON", kent.key),), (kent,))
    store.save_enrichments([first], [kent])
    store.save_enrichments([first], [kent])  # again: replaced, never doubled
    store.save_enrichments([Enrichment("a2", (Mention(0, 4, "Kent", "PERSON", kent.key),))], [])
    assert store.get_enrichment("a1") == first
    assert store.get_enrichment("zz") is None
    assert list(store.unenriched_ids(10)) == []
    assert list(store.all_entities()) == [kent]
    assert list(store.entity_counts()) == [(kent, 2, 2)]
    assert list(store.unclustered_ids(10)) == ["a1", "a2"]


def test_clusters_recount_retitle_redirect_and_reset(store: Store) -> None:
    for name in ("a1", "a2", "a3"):
        store.add_articles([_article(name, f"Rescuers searched the rubble, report {name}.")])
    quake = ClusterRow("event-1", "Quake", "2023-02-06", "2023-02-07", 2, story_id="story-1")
    vote = ClusterRow("event-2", "Vote", "2023-03-01", "2023-03-01", 1, story_id="story-1")
    placed = [
        PlacementRow("a1", "event-1", "story-1", {"lines": ["x"]}, "t"),
        PlacementRow("a2", "event-1", "story-1", {}, "t"),
        PlacementRow("a3", "event-2", "story-1", {}, "t"),
    ]
    store.save_clusters(placed, [quake, vote], b"state-1", "t")
    story = ClusterRow("story-1", "Quake", "2023-02-06", "2023-03-01", 3, events=2)
    assert store.get_cluster("story", "story-1") == story
    assert store.load_cluster_state() == ("t", b"state-1")
    assert store.get_placement("a1") == placed[0]
    moved = PlacementRow("a3", "event-2", "story-2", {}, "t")
    line = "split: story-1 -> story-1, story-2 (two groups)"
    store.save_clusters([moved], [replace(vote, story_id="story-2")], b"s", "t", [line])
    two = store.get_cluster("story", "story-2")
    assert two == ClusterRow("story-2", "Vote", "2023-03-01", "2023-03-01", 1, events=1)
    assert [s.id for s in store.list_clusters("story")] == ["story-2", "story-1"]
    assert [e.id for e in store.list_clusters("event", story="story-1")] == ["event-1"]
    assert list(store.cluster_members(story="story-1", event=None)) == ["a1", "a2"]
    back = PlacementRow("a3", "event-1", "story-1", {}, "t")
    grown = replace(quake, articles=3)
    emptied = replace(vote, story_id="story-2", articles=0)
    store.save_clusters(
        [back],
        [grown, emptied],
        b"s",
        "t",
        dropped=["event-2"],
        redirects=[("story-2", "story-1")],
    )
    assert store.get_cluster("story", "story-2") is None
    assert store.resolve_story("story-2") == "story-1"
    assert store.resolve_story("story-9") is None
    assert store.placements() == {"a1": "event-1", "a2": "event-1", "a3": "event-1"}
    profiles = store.cluster_profiles("story", ["story-1", "story-9"], top=3)
    assert profiles["story-1"].outlets == ((None, 3),) and profiles["story-9"].outlets == ()
    store.reset_clusters()
    assert store.placements() == {} and store.load_cluster_state() is None


def test_exclusive_lets_one_holder_in_at_a_time(store: Store) -> None:
    inside: list[str] = []
    overlaps: list[int] = []

    def hold(name: str) -> None:
        with store.exclusive("cluster"):
            inside.append(name)
            overlaps.append(len(inside))
            time.sleep(0.2)
            inside.remove(name)

    threads = [threading.Thread(target=hold, args=(str(i),)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1, 1, 1]


# --- PostgreSQL only -----------------------------------------------------------------


def _scalar(url: str, sql: str) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
        return None if row is None else row[0]


def test_migrations_are_numbered_recorded_and_applied_once(pg_url: str) -> None:
    from storyline.store.migrations import MIGRATIONS

    assert [m.version for m in PG_MIGRATIONS] == [m.version for m in MIGRATIONS]
    opened: list[PostgresStore] = []
    threads = [
        threading.Thread(target=lambda: opened.append(PostgresStore(pg_url))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 3  # three at once on a new database: migrated once, no error
    for made in opened:
        made.close()
    with psycopg.connect(pg_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM migrations ORDER BY 1")]
        kinds = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name IN ('enrichments', 'articles') "
                "AND column_name IN ('data', 'search')"
            ).fetchall()
        )
    assert versions == [m.version for m in PG_MIGRATIONS]
    assert kinds == {"data": "jsonb", "search": "tsvector"}


def test_search_uses_the_full_text_index(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    store.add_articles(
        [_article(f"x{i}", f"filler report number {i} about weather") for i in range(300)]
    )
    store.add_articles([_article("hit", "Negotiators met in Geneva about the ceasefire.")])
    found = store.list_articles(ArticleFilter(query="ceasefire negotiators"))
    assert [a.id for a in found] == ["hit"]
    assert [a.id for a in store.list_articles(ArticleFilter(query="ceasefires"))] == ["hit"]
    store.close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("ANALYZE articles")
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                "EXPLAIN SELECT id FROM articles "
                "WHERE search @@ websearch_to_tsquery('english'::regconfig, 'ceasefire')"
            )
        )
    assert "articles_search" in plan


def test_two_writers_store_an_article_once(pg_url: str) -> None:
    stores = [PostgresStore(pg_url), PostgresStore(pg_url)]
    items = [_article(f"a{i}", f"report {i} of the same crawl, told once") for i in range(200)]
    barrier = threading.Barrier(2)

    def write(made: PostgresStore) -> None:
        barrier.wait()
        for start in range(0, len(items), 20):
            made.add_articles(items[start : start + 20])

    threads = [threading.Thread(target=write, args=(made,)) for made in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores[0].count_articles() == 200
    assert _scalar(pg_url, "SELECT COUNT(*) FROM fingerprints") == 200
    bands = _scalar(pg_url, "SELECT COUNT(*) FROM bands")
    assert bands == sum(len(b) for _, _, b in items)
    for made in stores:
        made.close()


def test_an_unreachable_server_is_a_clear_error(pg_server: Any) -> None:
    url = pg_server.url("no_such_database")
    with pytest.raises(StoreError, match=r"no_such_database.*createdb"):
        PostgresStore(url)


def test_nul_in_json_is_swapped_and_restored_but_an_escaped_backslash_is_not() -> None:
    import json

    from storyline.store.pg_text import SENTINEL, json_in, json_out

    for value in ["a\x00b", "a\\u0000b", "\\\x00", "plain"]:
        text = json.dumps({"t": value}, ensure_ascii=False)
        stored = json.loads(json_in(text))["t"]  # what JSONB keeps (no NUL)
        assert "\x00" not in stored
        loaded = stored.replace(SENTINEL, "\x00")  # what the text loader gives back
        assert json.loads(json_out(json.dumps({"t": loaded}, ensure_ascii=False)))["t"] == value


def test_a_file_name_that_is_not_utf8_is_recorded_on_both_stores(store: Store) -> None:
    name = b"in/caf\xe9.html".decode("utf-8", "surrogateescape")  # as os.listdir gives it
    run = store.start_run(f"ingest {name}")
    store.add_rejections(run, [Rejection(name, "binary data")])
    [recorded] = store.rejections(run)
    assert recorded.reason == "binary data"
    assert "caf" in recorded.origin and "\udce9" not in recorded.origin
