"""Issues 4 and 5 acceptance on the seeds: one story, two events; the timeline's dates,
each with a cited sentence; the death toll reported consistently by both outlets."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import service
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.slow


@pytest.fixture
def seeded(shared_data: Path) -> SQLiteStore:
    seeds = shared_data / "seeds"
    store = SQLiteStore(memory=True)
    settings = load_settings({"enrich.workers": 1, "ingest.workers": 1}, environ={})
    service.ingest(store, [str(seeds / "002_f7bcbbc1a212b420.txt")], settings)
    options = service.IngestOptions(published="2016-10-15", source="Bloomberg")
    service.ingest(store, [str(seeds / "000_9f1ee6b32cca61eb.txt")], settings, options)
    service.enrich(store, settings)
    service.cluster(store, settings)
    return store


def test_one_story_two_events(seeded: SQLiteStore) -> None:
    stories = service.list_stories(seeded)
    assert len(stories) == 1
    assert stories[0].articles == 2
    assert len(service.list_events(seeded)) == 2
    for article in seeded.list_articles(service.ArticleFilter()):
        explanation = service.why(seeded, article.id).explanation
        assert explanation["lines"][0] == f"article {article.id}"


def test_story_timeline_dates_each_cited(seeded: SQLiteStore) -> None:
    story = service.list_stories(seeded)[0]
    timeline = service.timeline(seeded, service.Selection(story=story.id))
    texts = {a.id: a.text for a in seeded.list_articles(service.ArticleFilter())}
    dates = {entry.date: entry for entry in timeline.entries}
    for day in (
        "2016-02",
        "2016-08-26",
        "2016-09-04",
        "2016-09-05",
        "2016-09-18",
        "2016-10-14",
        "2016-10-15",
    ):
        assert day in dates, day
        for sentence in dates[day].sentences:
            assert texts[sentence.article_id][sentence.start : sentence.end] == sentence.text


def test_death_toll_consistent_across_outlets(seeded: SQLiteStore) -> None:
    story = service.list_stories(seeded)[0]
    comparison = service.compare(seeded, service.Selection(story=story.id))
    killed = [c for c in comparison.figure_checks if "killed" in c.key]
    assert killed and killed[0].verdict == "consistent"
    assert {p.first.outlet for p in killed[0].pairs} | {
        p.second.outlet for p in killed[0].pairs
    } == {"Bloomberg", "TRT World"}
