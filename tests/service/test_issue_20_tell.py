"""Issue 20 (helper 20w): one service function tells a set of articles (summary,
timeline, comparison); service.summary/timeline/compare/export and the story page use it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from storyline import service
from storyline.errors import InputError
from storyline.models import Article
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore
from storyline.web.story_view import story_view
from tests.test_cli_stories import ELECTION, FLOOD, FLOOD_2

SETTINGS = load_settings({"ingest.workers": 1, "enrich.workers": 1}, environ={})
RECORDS = [
    ("f1", "Flood hits Millbrook", FLOOD, "2021-06-07", "Valley News"),
    ("f2", "Millbrook cleans up", FLOOD_2, "2021-06-08", "County Herald"),
    ("e1", "Harlow elects council", ELECTION, "2021-06-06", "Coast Times"),
]


def _write(folder: Path) -> Path:
    path = folder / "news.jsonl"
    lines = [
        json.dumps({"id": i, "title": t, "text": x, "published": p, "source": s})
        for i, t, x, p, s in RECORDS
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    folder = tmp_path_factory.mktemp("tell")
    found = SQLiteStore(folder / "s.db")
    service.ingest(found, [str(_write(folder))], SETTINGS)
    service.enrich(found, SETTINGS)
    service.cluster(found, SETTINGS)
    yield found
    found.close()


def _flood_story(store: SQLiteStore) -> str:
    (story,) = [
        r.id
        for r in service.list_stories(store, limit=None)
        if "f1" in service.cluster_article_ids(store, story=r.id, event=None)
    ]
    return story


def test_tell_gives_what_the_service_functions_and_the_story_page_give(
    store: SQLiteStore,
) -> None:
    story = _flood_story(store)
    selection = service.Selection(story=story)
    ids = service.cluster_article_ids(store, story=story, event=None)
    articles = sorted(store.get_articles(ids), key=lambda a: (a.published or "9999", a.id))
    told = service.tell(articles, store.get_enrichments(ids), selection.describe())
    assert told.summary is not None and told.timeline is not None
    assert told.comparison is not None
    assert asdict(told.summary) == asdict(service.summary(store, selection))
    assert asdict(told.timeline) == asdict(service.timeline(store, selection))
    assert asdict(told.comparison) == asdict(service.compare(store, selection))
    view = story_view(store, service.get_cluster(store, "story", story))
    assert (view.summary, view.timeline, view.comparison) == (
        told.summary,
        told.timeline,
        told.comparison,
    )
    assert view.problems == ()


def test_tell_builds_only_the_parts_asked_for(store: SQLiteStore) -> None:
    ids = ["f1", "f2"]
    articles = sorted(store.get_articles(ids), key=lambda a: (a.published or "9999", a.id))
    told = service.tell(articles, store.get_enrichments(ids), "2 articles", parts=("timeline",))
    assert told.timeline is not None and told.timeline.entries
    assert told.summary is None and told.comparison is None
    with pytest.raises(InputError, match="unknown part 'report' to tell; choose from summary"):
        service.tell(articles, store.get_enrichments(ids), "2 articles", parts=("report",))


def test_tell_says_why_there_is_nothing_to_tell(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^no articles in story s9; nothing to tell$"):
        service.tell([], {}, "story s9")
    article = Article(id="a1", text="Rain fell on Monday.", raw="Rain fell on Monday.")
    expected = r"^none of the 1 selected articles is enriched yet; run `storyline enrich`$"
    with pytest.raises(InputError, match=expected):
        service.tell([article], {}, "1 articles")
    fresh = SQLiteStore(tmp_path / "fresh.db")  # ingested, not enriched
    try:
        service.ingest(fresh, [str(_write(tmp_path))], SETTINGS)
        selection = service.Selection(article_ids=("f1", "f2"))
        for use in (service.summary, service.timeline, service.compare):
            with pytest.raises(InputError, match="none of the 2 selected articles is enriched"):
                use(fresh, selection)
        with pytest.raises(InputError, match="none of the 2 selected articles is enriched"):
            service.export(fresh, selection, "md")
        nobody = service.Selection(query="no article has this word xyzzy")
        with pytest.raises(InputError, match=r"^no articles in matching 'no article has"):
            service.summary(fresh, nobody)
    finally:
        fresh.close()
