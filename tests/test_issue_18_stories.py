"""Issue 18: a thread found in pieces is merged into one story; the merged ids still open
(service, CLI, HTTP API, web page) and `why` explains placements by the story's core."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from storyline import service
from storyline.cli import app
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore
from storyline.web import create_app

# One thread over two months: the Kariba dam dispute, each report weeks after the last
# (so each is an event of its own), told with the same actors.
DAM = [
    (
        "2021-03-01",
        "Engineers warned on Monday that the Kariba Dam on the Zambezi River needs urgent "
        "repairs, and Zambia's energy minister Peter Kapala said Zimbabwe must share the cost.",
    ),
    (
        "2021-03-22",
        "Zambia and Zimbabwe failed to agree on who pays for the Kariba Dam repairs, energy "
        "minister Peter Kapala said, as engineers reported new cracks on the Zambezi wall.",
    ),
    (
        "2021-04-12",
        "The Zambezi River Authority said on Monday that water levels behind the Kariba Dam "
        "would be lowered while engineers inspect the cracks; Peter Kapala welcomed the move.",
    ),
    (
        "2021-05-03",
        "Zimbabwe agreed to pay half of the Kariba Dam repairs, Zambia's energy minister Peter "
        "Kapala said, ending a dispute over the cracked wall on the Zambezi River.",
    ),
]
FESTIVAL = (
    "2021-04-20",
    "The Harbour Jazz Festival in Lisbon opened on Tuesday with 40 bands from 12 countries, "
    "and organiser Rita Mendes said ticket sales had doubled since the last edition.",
)


@pytest.fixture
def merged(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    records = [
        {"id": f"dam{i}", "title": None, "text": text, "published": day, "source": "Wire"}
        for i, (day, text) in enumerate(DAM)
    ]
    records.append(
        {
            "id": "fest",
            "title": None,
            "text": FESTIVAL[1],
            "published": FESTIVAL[0],
            "source": "Post",
        }
    )
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = tmp_path / "s.db"
    # online, every new event opens a story of its own: only consolidation can join them
    settings = load_settings(
        {"db": str(db), "ingest.workers": 1, "enrich.workers": 1, "cluster.story_threshold": 1.0},
        environ={},
    )
    store = SQLiteStore(db)
    try:
        service.ingest(store, [str(path)], settings)
        service.enrich(store, settings)
        report = service.cluster(store, settings)
        assert report.new_stories == 5  # one story per event, online
        online = {a: service.why(store, a).explanation for a in ("dam0", "dam3")}
        assert online["dam3"]["new_story"] is True
        placements = store.placements()
        stories = {a: store.get_placement(a).story_id for a in placements}  # type: ignore[union-attr]
        assert any("cores agree" in line for line in report.log), report.log
    finally:
        store.close()
    return db, stories


def test_issue_18_a_thread_in_pieces_becomes_one_story_and_old_ids_redirect(
    merged: tuple[Path, dict[str, str]],
) -> None:
    db, stories = merged
    dam = {stories[f"dam{i}"] for i in range(len(DAM))}
    assert len(dam) == 1 and stories["fest"] not in dam
    (survivor,) = dam
    assert survivor == "story-1"  # the oldest id survives
    store = SQLiteStore(db)
    try:
        for old in ("story-2", "story-3", "story-5"):
            assert store.get_cluster("story", old) is None
            assert store.resolve_story(old) == survivor
            assert service.get_cluster(store, "story", old).id == survivor
            assert set(service.cluster_article_ids(store, story=old, event=None)) == {
                f"dam{i}" for i in range(len(DAM))
            }
        assert store.resolve_story("story-99") is None
        # a placement tells the merge, with the cores' shared actors by name
        lines = service.why(store, "dam3").explanation["lines"]
        assert any("merged story-" in line and "Kariba" in line for line in lines), lines
    finally:
        store.close()


def test_issue_18_merged_id_opens_in_the_cli_and_the_web(
    merged: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = merged
    monkeypatch.setenv("STORYLINE_DB", str(db))
    result = CliRunner().invoke(app, ["story", "story-2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "story-1" and data["redirected_from"] == "story-2"
    assert "story-2 was merged into story-1" in result.stderr

    settings = load_settings({"db": str(db)}, environ={})

    async def fetch() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            page = await client.get("/stories/story-2")
            api = await client.get("/api/stories/story-3")
            missing = await client.get("/api/stories/story-99")
        return page, api, missing

    page, api, missing = asyncio.run(fetch())
    assert page.status_code == 301 and page.headers["location"] == "/stories/story-1"
    assert api.status_code == 200
    assert api.json()["id"] == "story-1" and api.json()["redirected_from"] == "story-3"
    assert missing.status_code == 404


def test_issue_18_why_explains_a_story_placement_by_its_core(tmp_path: Path) -> None:
    records = [
        {"id": f"dam{i}", "title": None, "text": text, "published": day, "source": "Wire"}
        for i, (day, text) in enumerate(DAM)
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    settings = load_settings({"ingest.workers": 1, "enrich.workers": 1}, environ={})
    store = SQLiteStore(tmp_path / "s.db")
    try:
        service.ingest(store, [str(path)], settings)
        service.enrich(store, settings)
        service.cluster(store, settings)
        lines = service.why(store, "dam2").explanation["lines"]
        core = next(line for line in lines if "story core:" in line)
        assert "Kariba" in core and "this article names" in core
        assert core.split("this article names ")[1] != "none of it"
    finally:
        store.close()
