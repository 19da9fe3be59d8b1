"""The two seed articles (TRT World 2016-09-06, Bloomberg 2016-10-15) on US-Russia talks
over Syria: two different happenings of one story."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import service
from storyline.bench.cluster import store_features
from storyline.cluster.explain import describe
from storyline.cluster.online import OnlineClusterer
from storyline.settings import Settings
from storyline.store.sqlite import SQLiteStore


@pytest.mark.slow
def test_seed_articles_share_a_story_but_not_an_event(shared_data: Path, tmp_path: Path) -> None:
    settings = Settings().with_overrides({"enrich.on_ingest": False, "enrich.workers": 1})
    store = SQLiteStore(tmp_path / "seeds.db")
    try:
        seeds = shared_data / "seeds"
        service.ingest(store, [str(seeds / "002_f7bcbbc1a212b420.txt")], settings)
        # the Bloomberg text carries no date line: give it the way a user would
        bloomberg = service.IngestOptions(published="2016-10-15", source="Bloomberg")
        service.ingest(store, [str(seeds / "000_9f1ee6b32cca61eb.txt")], settings, bloomberg)
        service.enrich(store, settings)
        features = store_features(store)
    finally:
        store.close()
    assert len(features) == 2
    assert features[0].day is not None and features[1].day is not None
    assert features[0].day < features[1].day  # TRT World first, Bloomberg later
    clusterer = OnlineClusterer()
    first, second = (clusterer.assign(item) for item in features)
    reasons = "\n".join(describe(second))
    assert second.event_id != first.event_id, reasons
    assert second.story_id == first.story_id, reasons
