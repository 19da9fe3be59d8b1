from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from storyline.errors import NotFoundError, StoreError
from storyline.ingest.dedupe import fingerprint
from storyline.models import Article, Edit, IngestReport, Rejection
from storyline.store import migrations
from storyline.store.base import ArticleFilter
from storyline.store.migrations import MIGRATIONS
from storyline.store.sqlite import SQLiteStore


def _article(article_id: str, text: str, **kw: object) -> tuple[Article, bytes, tuple[bytes, ...]]:
    fp = fingerprint(text, threshold=0.8, num_perm=64)
    article = Article(id=article_id, text=text, raw=text, content_hash=fp.content_hash, **kw)  # type: ignore[arg-type]
    return article, fp.signature, fp.bands


def test_round_trip_keeps_every_field() -> None:
    store = SQLiteStore(memory=True)
    edit = Edit(3, 10, "Aleppoby", "Aleppo by", "glued-words")
    article, sig, bands = _article(
        "a1",
        "Body text here about the talks.",
        title="Headline",
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


def test_unknown_id_names_the_id() -> None:
    store = SQLiteStore(memory=True)
    with pytest.raises(NotFoundError, match="'nope'"):
        store.get_article("nope")


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    SQLiteStore(path).close()
    rows = sqlite3.connect(path).execute("SELECT version FROM migrations").fetchall()
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_migration_another_process_applied_meanwhile_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes opening a new store at once both read "nothing applied"; the one
    that gets the write lock second must find the migrations done, not run them again
    ("table articles already exists")."""
    path = tmp_path / "s.db"
    SQLiteStore(path).close()  # the other process, which won the race
    real = migrations.current_version
    calls = iter([0])  # this process's first look, taken before the other one committed
    monkeypatch.setattr(migrations, "current_version", lambda conn: next(calls, real(conn)))
    SQLiteStore(path).close()
    rows = sqlite3.connect(path).execute("SELECT version FROM migrations").fetchall()
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        SQLiteStore(path)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        SQLiteStore(tmp_path / "no" / "such" / "s.db")


def test_failed_batch_writes_nothing() -> None:
    store = SQLiteStore(memory=True)
    good = _article("a1", "one two three four five six")
    with pytest.raises(sqlite3.IntegrityError):
        store.add_articles([good, good])  # same id twice: the whole batch rolls back
    assert store.count_articles() == 0


def test_list_filters_and_order() -> None:
    store = SQLiteStore(memory=True)
    store.add_articles(
        [
            _article("b", "second text about Syria", published="2016-10-15", source="Bloomberg"),
            _article("a", "first text about Syria", published="2016-09-06", source="TRT World"),
            _article("c", "undated text about Aleppo"),
        ]
    )
    assert [a.id for a in store.list_articles(ArticleFilter())] == ["a", "b", "c"]
    assert [a.id for a in store.list_articles(ArticleFilter(source="Bloomberg"))] == ["b"]
    assert [a.id for a in store.list_articles(ArticleFilter(since="2016-10-01"))] == ["b"]
    assert [a.id for a in store.list_articles(ArticleFilter(until="2016-09-30"))] == ["a"]
    assert [a.id for a in store.list_articles(ArticleFilter(query="ALEPPO"))] == ["c"]
    assert [a.id for a in store.list_articles(ArticleFilter(limit=1, offset=1))] == ["b"]


def test_duplicates_lookup_and_relink() -> None:
    store = SQLiteStore(memory=True)
    text = "the same syndicated wire story text " * 5
    first, sig, bands = _article("late", text, published="2016-09-07")
    store.add_articles([(first, sig, bands)])
    assert [i for i, _ in store.find_by_hash(first.content_hash)] == ["late"]
    assert [s.article_id for s in store.find_by_bands(bands)] == ["late"]
    early, sig2, bands2 = _article("early", text, published="2016-09-06")
    store.add_articles([(early, sig2, bands2)])
    store.relink_duplicates("late", "early", "exact")
    assert store.get_article("late").duplicate_of == "early"
    assert [i for i, _ in store.find_by_hash(first.content_hash)] == ["early"]


def test_runs_rejections_and_stats() -> None:
    store = SQLiteStore(memory=True)
    run = store.start_run("ingest x")
    store.add_rejections(run, [Rejection("x/bad.bin", "binary data")])
    store.finish_run(run, IngestReport(added=0, rejected=(Rejection("x/bad.bin", "binary data"),)))
    store.add_articles([_article("a", "one two three four five", source="AP")])
    stats = store.stats()
    assert (stats.articles, stats.rejections, stats.runs, stats.words) == (1, 1, 1, 5)
    assert stats.by_source == (("AP", 1),)
    assert store.rejections(run) == [Rejection("x/bad.bin", "binary data")]


def test_save_clusters_writes_its_log_lines_in_the_same_transaction(tmp_path: Path) -> None:
    from storyline.store.clusters import ClusterRow, PlacementRow

    store = SQLiteStore(tmp_path / "s.db")
    article, sig, bands = _article("a1", "Rescuers searched the rubble after the quake.")
    store.add_articles([(article, sig, bands)])
    placement = PlacementRow("a1", "event-2", "story-1", {"lines": []}, "test")
    event = ClusterRow("event-2", "Quake", None, None, 1, story_id="story-1")
    line = "split: event-1 -> event-1, event-2 (its articles form two groups)"
    store.save_clusters([placement], [event], b"state", "test", [line])
    store.close()
    rows = sqlite3.connect(tmp_path / "s.db").execute(
        "SELECT action, subjects, reason FROM cluster_log"
    )
    assert rows.fetchall() == [
        ("split", '["event-1 -> event-1, event-2"]', "its articles form two groups")
    ]
    reopened = SQLiteStore(tmp_path / "s.db")
    assert reopened.placements() == {"a1": "event-2"}
    reopened.close()


def test_save_clusters_drops_merged_events_that_nothing_points_to() -> None:
    from storyline.store.clusters import ClusterRow, PlacementRow

    store = SQLiteStore(memory=True)
    for name in ("a1", "a2"):
        article, sig, bands = _article(name, f"Rescuers searched the rubble, report {name}.")
        store.add_articles([(article, sig, bands)])
    first = [
        PlacementRow("a1", "event-1", "story-1", {}, "test"),
        PlacementRow("a2", "event-2", "story-1", {}, "test"),
    ]
    events = [
        ClusterRow("event-1", "Quake", None, None, 1, story_id="story-1"),
        ClusterRow("event-2", "Quake", None, None, 1, story_id="story-1"),
    ]
    store.save_clusters(first, events, b"s", "test")
    story = ClusterRow("story-1", "Quake", None, None, 2, events=2)
    assert store.get_cluster("story", "story-1") == story
    # event-1 still holds a1: dropping it is refused quietly
    store.save_clusters([], [], b"s", "test", dropped=["event-1"])
    assert [e.id for e in store.list_clusters("event")] == ["event-1", "event-2"]
    merged = [PlacementRow("a2", "event-1", "story-1", {}, "test")]
    kept = ClusterRow("event-1", "Quake", None, None, 2, story_id="story-1")
    store.save_clusters(merged, [kept], b"s", "test", dropped=["event-2"])
    story = ClusterRow("story-1", "Quake", None, None, 2, events=1)
    assert store.get_cluster("story", "story-1") == story
    assert [(e.id, e.articles) for e in store.list_clusters("event")] == [("event-1", 2)]
    assert store.placements() == {"a1": "event-1", "a2": "event-1"}


def test_cluster_profiles_count_outlets_and_rank_entities_by_rarity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storyline.models import Enrichment, Entity, Mention
    from storyline.store import clusters
    from storyline.store.clusters import ClusterRow, PlacementRow

    store = SQLiteStore(memory=True)
    usa = Entity("place:country:us", "United States", "place")
    kent = Entity("person:anna kent", "Anna Kent", "person")
    mill = Entity("place:city:millbrook", "Millbrook", "place")
    sources = {"a1": "Valley News", "a2": "Valley News", "a3": None, "b1": "Coast Times"}
    named = {"a1": [usa, kent, mill], "a2": [usa, kent], "a3": [usa, mill], "b1": [usa]}
    for article_id, source in sources.items():
        article, sig, bands = _article(article_id, f"Report {article_id}.", source=source)
        store.add_articles([(article, sig, bands)])
        mentions = tuple(Mention(0, 3, e.name, "X", e.key) for e in named[article_id])
        store.save_enrichments(
            [Enrichment(article_id, mentions, tuple(named[article_id]))], named[article_id]
        )
    for extra in range(6):  # the United States is named everywhere in the store
        article, sig, bands = _article(f"x{extra}", f"Other report {extra}.")
        store.add_articles([(article, sig, bands)])
        store.save_enrichments(
            [Enrichment(f"x{extra}", (Mention(0, 3, "US", "GPE", usa.key),))], [usa]
        )
    placements = [
        PlacementRow(a, "event-1" if a.startswith("a") else "event-2", "story-1", {}, "t")
        for a in sources
    ]
    events = [
        ClusterRow("event-1", "Flood", None, None, 3, story_id="story-1"),
        ClusterRow("event-2", "Vote", None, None, 1, story_id="story-1"),
    ]
    store.save_clusters(placements, events, b"s", "t")
    monkeypatch.setattr(clusters, "_CHUNK", 1)  # ids go to SQLite in several chunks
    found = store.cluster_profiles("event", ["event-1", "event-2", "event-9"], top=2)
    assert found["event-1"].outlets == (("Valley News", 2), (None, 1))
    # United States is named by all three articles, but also by every other one
    assert found["event-1"].entities == (
        ("person:anna kent", "Anna Kent", 2),
        ("place:city:millbrook", "Millbrook", 2),
    )
    assert found["event-2"].outlets == (("Coast Times", 1),)
    assert found["event-2"].entities == (("place:country:us", "United States", 1),)
    assert found["event-9"].outlets == () and found["event-9"].entities == ()
    story = store.cluster_profiles("story", ["story-1"], top=5)["story-1"]
    assert [name for _, name, _ in story.entities][:2] == ["Anna Kent", "Millbrook"]
    assert sum(n for _, n in story.outlets) == 4


def test_a_story_is_titled_by_its_largest_event() -> None:
    from storyline.store.clusters import ClusterRow, PlacementRow

    store = SQLiteStore(memory=True)
    for name in ("a1", "a2", "a3"):
        article, sig, bands = _article(name, f"Rescuers searched the rubble, report {name}.")
        store.add_articles([(article, sig, bands)])
    opening = ClusterRow(
        "event-1", "Aftershock felt in the capital", "2023-02-06", None, 1, story_id="story-1"
    )
    store.save_clusters([PlacementRow("a1", "event-1", "story-1", {}, "t")], [opening], b"s", "t")
    assert store.get_cluster("story", "story-1").title == "Aftershock felt in the capital"  # type: ignore[union-attr]
    quake = ClusterRow(
        "event-2", "Earthquake kills thousands", "2023-02-07", None, 2, story_id="story-1"
    )
    placed = [PlacementRow(a, "event-2", "story-1", {}, "t") for a in ("a2", "a3")]
    store.save_clusters(placed, [quake], b"s", "t")
    assert store.get_cluster("story", "story-1").title == "Earthquake kills thousands"  # type: ignore[union-attr]


def test_stories_are_recounted_from_their_events_when_an_event_moves() -> None:
    from storyline.store.clusters import ClusterRow, PlacementRow

    store = SQLiteStore(memory=True)
    for name in ("a1", "a2", "a3"):
        article, sig, bands = _article(name, f"Rescuers searched the rubble, report {name}.")
        store.add_articles([(article, sig, bands)])
    quake = ClusterRow("event-1", "Quake", "2023-02-06", "2023-02-07", 2, story_id="story-1")
    vote = ClusterRow("event-2", "Vote", "2023-03-01", "2023-03-01", 1, story_id="story-1")
    placed = [
        PlacementRow("a1", "event-1", "story-1", {}, "t"),
        PlacementRow("a2", "event-1", "story-1", {}, "t"),
        PlacementRow("a3", "event-2", "story-1", {}, "t"),
    ]
    store.save_clusters(placed, [quake, vote], b"s", "t")
    story = ClusterRow("story-1", "Quake", "2023-02-06", "2023-03-01", 3, events=2)
    assert store.get_cluster("story", "story-1") == story  # counted from its events
    # consolidation moves the vote to a story of its own
    moved = PlacementRow("a3", "event-2", "story-2", {}, "t")
    store.save_clusters([moved], [replace(vote, story_id="story-2")], b"s", "t")
    one, two = store.get_cluster("story", "story-1"), store.get_cluster("story", "story-2")
    assert one == ClusterRow("story-1", "Quake", "2023-02-06", "2023-02-07", 2, events=1)
    assert two == ClusterRow("story-2", "Vote", "2023-03-01", "2023-03-01", 1, events=1)
    # and merges it back: the story left without events is gone
    back = PlacementRow("a3", "event-2", "story-1", {}, "t")
    store.save_clusters([back], [vote], b"s", "t")
    assert store.get_cluster("story", "story-2") is None
    assert store.get_cluster("story", "story-1").articles == 3  # type: ignore[union-attr]
    assert [s.id for s in store.list_clusters("story")] == ["story-1"]
