"""Issue 3 acceptance: the seeds' entities, quotes, figures and times."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import service
from storyline.settings import load_settings
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore

pytestmark = pytest.mark.slow


def test_seed_enrichment(shared_data: Path) -> None:
    seeds = shared_data / "seeds"
    store = SQLiteStore(memory=True)
    settings = load_settings({"enrich.workers": 1, "ingest.workers": 1}, environ={})
    service.ingest(store, [str(seeds / "002_f7bcbbc1a212b420.txt")], settings)
    service.ingest(
        store,
        [str(seeds / "000_9f1ee6b32cca61eb.txt")],
        settings,
        service.IngestOptions(published="2016-10-15"),
    )
    report = service.enrich(store, settings)
    assert report.articles == 2
    articles = {a.title: a for a in store.list_articles(ArticleFilter())}
    trt = store.get_enrichment(articles["US-Russia talks on Syria end without deal"].id)
    bloomberg = store.get_enrichment(
        articles["No Syria talks progress, Russia warns of U.S. conflict"].id
    )
    assert trt is not None and bloomberg is not None

    names = {e.name for e in store.all_entities()}
    for name in (
        "John Kerry",
        "Sergei Lavrov",
        "Bashar al-Assad",
        "Barack Obama",
        "Vladimir Putin",
        "Vladimir Shamanov",
        "Ned Price",
        "Aleppo",
        "Lausanne",
        "Hangzhou",
        "Geneva",
    ):
        assert name in names, name

    quotes = [*trt.quotes, *bloomberg.quotes]
    assert any("But it is worth trying" in q.text and "Obama" in q.speaker for q in quotes)
    assert any("the likelihood is increasing" in q.text and "Shamanov" in q.speaker for q in quotes)

    figures = [*trt.figures, *bloomberg.figures]
    assert any(f.value == 300_000 and f.counts == "killed" for f in figures)
    assert any(f.value == 250_000 and f.unit == "civilians" for f in figures)

    trt_times = {t.text.replace("\xa0", " "): t.value for t in trt.times}
    assert trt_times["Monday"] == "2016-09-05"
    assert trt_times["August 26"] == "2016-08-26"
    bloomberg_times = {t.text: t.value for t in bloomberg.times}
    assert bloomberg_times["Saturday"] == "2016-10-15"
