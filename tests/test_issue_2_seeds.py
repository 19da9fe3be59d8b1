"""Issue 2 acceptance: the seeds ingested through the service come out as the issue asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import service
from storyline.settings import load_settings
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.slow


def test_seeds_clean_with_metadata(shared_data: Path) -> None:
    store = SQLiteStore(memory=True)
    settings = load_settings({"enrich.on_ingest": False, "ingest.workers": 1}, environ={})
    report = service.ingest(store, [str(shared_data / "seeds")], settings)
    assert (report.added, report.rejected) == (2, ())
    by_title = {a.title: a for a in store.list_articles(ArticleFilter())}
    bloomberg = by_title["No Syria talks progress, Russia warns of U.S. conflict"]
    trt = by_title["US-Russia talks on Syria end without deal"]
    for article in (bloomberg, trt):
        assert "Photo by" not in article.text
        assert "To contact the reporter" not in article.text
        assert (
            "Syria’s Divisions Meet Outside Conflicts in Civil War: QuickTake" not in article.text
        )
        assert "Reuters" not in article.text.split("\n\n")[0]
        # the edit log turns raw into text exactly
        rebuilt, last = [], 0
        for edit in article.edits:
            rebuilt += [article.raw[last : edit.start], edit.after]
            last = edit.end
        assert "".join([*rebuilt, article.raw[last:]]) == article.text
    glued = {e.before: e.after for e in bloomberg.edits if e.reason == "glued-words"}
    for repaired in ("Aleppo by", "strike by", "opposition fighters"):
        assert repaired in bloomberg.text
    assert "Aleppoby" not in bloomberg.text and "oppositionfighters" not in bloomberg.text
    assert len(glued) >= 3
    assert trt.published == "2016-09-06"
    assert trt.credits == ("Reuters",)
    assert "Reuters" not in trt.text
    assert bloomberg.authors == ("Henry Meyer",)
    assert bloomberg.contributors == ("Stepan Kravchenko",)
    assert bloomberg.dateline == "Lausanne"
    assert bloomberg.published is None  # nothing in the text dates it: never guessed
