from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline import service
from storyline.errors import NotFoundError
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore
from tests.test_cli_stories import ELECTION, FLOOD, FLOOD_2

SETTINGS = load_settings({"ingest.workers": 1, "enrich.workers": 1}, environ={})


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    records = [
        ("f1", "Flood hits Millbrook", FLOOD, "2021-06-07", "Valley News"),
        ("f2", "Millbrook cleans up", FLOOD_2, "2021-06-08", "County Herald"),
        ("e1", "Harlow elects council", ELECTION, "2021-06-06", "Coast Times"),
    ]
    path = tmp_path / "news.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": i, "title": t, "text": x, "published": p, "source": s})
            for i, t, x, p, s in records
        ),
        encoding="utf-8",
    )
    found = SQLiteStore(tmp_path / "s.db")
    service.ingest(found, [str(path)], SETTINGS)
    service.enrich(found, SETTINGS)
    assert service.cluster(found, SETTINGS).articles == 3
    return found


def test_cluster_details_carry_rows_profiles_and_article_ids(store: SQLiteStore) -> None:
    events = service.cluster_details(store, "event", service.list_events(store))
    flood = next(d for d in events if d.article_ids and "f1" in d.article_ids)
    assert flood.kind == "event"
    assert sorted(flood.article_ids or ()) == ["f1", "f2"]
    assert flood.row.articles == 2
    assert dict(flood.profile.outlets) == {"Valley News": 1, "County Herald": 1}
    (story,) = service.cluster_details(
        store, "story", [service.get_cluster(store, "story", flood.row.story_id or "")]
    )
    assert set(story.article_ids or ()) >= {"f1", "f2"}
    bare = service.cluster_details(store, "event", service.list_events(store), with_ids=False)
    assert [d.row.id for d in bare] == [d.row.id for d in events]
    assert all(d.article_ids is None for d in bare)


def test_why_names_the_evidence_and_an_unknown_article_is_an_error(
    store: SQLiteStore,
) -> None:
    lines = service.why(store, "f2").explanation["lines"]
    text = "\n".join(lines)
    assert "(joined)" in text and "time gap: 1 day(s)" in text
    assert "Anna Kent" in text
    with pytest.raises(NotFoundError, match="no-such-article"):
        service.why(store, "no-such-article")
