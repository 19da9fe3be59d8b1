"""The JSON API in-process (Client) on a store built through the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.web import create_app
from tests.web.conftest import Client, flood_story, web_settings


def test_articles_are_filtered_and_paginated_in_a_stable_order(client: Client) -> None:
    everything = client.get("/api/articles").json()["items"]
    assert [a["id"] for a in everything] == ["e1", "f1", "h1", "f2"]
    page = client.get("/api/articles", params={"limit": 2, "offset": 1}).json()
    assert [a["id"] for a in page["items"]] == ["f1", "h1"]
    assert page["count"] == 2
    only = client.get("/api/articles", params={"source": "Coast Times"}).json()["items"]
    assert [a["id"] for a in only] == ["e1"]
    dated = client.get("/api/articles", params={"since": "2021-06-08"}).json()["items"]
    assert [a["id"] for a in dated] == ["f2"]
    found = client.get("/api/articles", params={"q": "turnout"}).json()["items"]
    assert [a["id"] for a in found] == ["e1"]


def test_article_has_text_edits_and_extractions(client: Client) -> None:
    data = client.get("/api/articles/f1").json()
    assert data["title"] == "Flood hits Millbrook"
    assert "edits" in data and "raw" in data
    names = {e["name"] for e in data["extractions"]["entities"]}
    assert "Anna Kent" in names
    assert any(q["speaker_entity"] == "person:anna kent" for q in data["extractions"]["quotes"])


def test_story_routes_tell_the_story(client: Client) -> None:
    story_id = flood_story(client)
    story = client.get(f"/api/stories/{story_id}").json()
    assert set(story["article_ids"]) >= {"f1", "f2"}
    assert story["events"] and story["events"][0]["story_id"] == story_id
    assert "Valley News" in {o["source"] for o in story["outlets"]}
    assert "Anna Kent" in {e["name"] for e in story["top_entities"]}
    listed = client.get("/api/stories").json()["items"]
    assert {"outlets", "top_entities"} <= set(listed[0])
    timeline = client.get(f"/api/stories/{story_id}/timeline").json()
    assert timeline["entries"] and timeline["entries"][0]["sentences"][0]["article_id"]
    comparison = client.get(f"/api/stories/{story_id}/compare").json()
    assert "Valley News" in comparison["outlets"] and comparison["facts"]
    summary = client.get(f"/api/stories/{story_id}/summary").json()
    assert summary["sentences"] and summary["text"].startswith(summary["sentences"][0]["text"])
    event_id = story["events"][0]["id"]
    event = client.get(f"/api/events/{event_id}").json()
    assert set(event["article_ids"]) <= set(story["article_ids"])
    assert event["articles_total"] == len(event["article_ids"]) >= 1
    page = client.get(f"/api/events/{event_id}", params={"limit": 1, "offset": 1}).json()
    assert page["article_ids"] == event["article_ids"][1:2] and page["limit"] == 1
    assert page["articles_total"] == event["articles_total"]
    assert client.get(f"/api/events/{event_id}", params={"limit": 0}).status_code == 422


def test_entities_and_search(client: Client) -> None:
    entities = client.get("/api/entities").json()["items"]
    assert any(e["key"] == "person:anna kent" and e["articles"] >= 2 for e in entities)
    hits = client.get("/api/search", params={"entity": "Anna Kent"}).json()["items"]
    assert {a["id"] for a in hits} == {"f1", "f2"}
    both = client.get("/api/search", params={"entity": "person:anna kent", "q": "tuesday"})
    assert [a["id"] for a in both.json()["items"]] == ["f2"]
    text = client.get("/api/search", params={"q": "council"}).json()["items"]
    assert [a["id"] for a in text] == ["e1"]


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/articles/missing", 404, "NotFoundError"),
        ("/api/stories/story-999", 404, "NotFoundError"),
        ("/api/nothing-here", 404, "HTTPError"),
        ("/api/articles?since=yesterday", 400, "InputError"),
        ("/api/articles?limit=0", 422, "ValidationError"),
        ("/api/search?entity=Nobody%20Atall", 404, "NotFoundError"),
    ],
)
def test_errors_have_one_json_shape(client: Client, url: str, status: int, kind: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["type"] == kind and error["message"]


def test_openapi_lists_the_routes(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/articles", "/api/stories/{story_id}/timeline", "/api/ingest"} <= set(paths)


def test_ingest_is_disabled_without_a_token(client: Client) -> None:
    files = {"files": ("a.txt", b"Title\n\nSome text here about a storm at sea.", "text/plain")}
    response = client.post("/api/ingest", files=files)
    assert response.status_code == 403
    assert "web.token" in response.json()["error"]["message"]


def test_ingest_needs_the_token_and_respects_the_size_limit(tmp_path: Path) -> None:
    settings = web_settings(
        tmp_path / "up.db", **{"enrich.on_ingest": False, "cluster.on_ingest": False}
    )
    app = create_app(settings)
    app.state.settings = _with_web(settings, token="s3cret", max_bytes=400)
    text = b"Storm at sea\n\nA storm hit the harbour of Portwell on Friday and closed the port."
    client = Client(app)
    files = {"files": ("storm.txt", text, "text/plain")}
    wrong = client.post("/api/ingest", files=files, headers={"Authorization": "Bearer no"})
    assert wrong.status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    ok = client.post("/api/ingest", files=files, data={"source": "Port Daily"}, headers=auth)
    assert ok.status_code == 200, ok.text
    assert ok.json()["added"] == 1
    listed = client.get("/api/articles").json()["items"]
    assert [a["source"] for a in listed] == ["Port Daily"]
    big = {"files": ("big.txt", b"word " * 200, "text/plain")}
    too_big = client.post("/api/ingest", files=big, headers=auth)
    assert too_big.status_code == 413
    assert "web.max_upload_bytes" in too_big.json()["error"]["message"]


class _WebSettings:
    """Settings plus the proposed web.* rows (until they are in the settings table)."""

    def __init__(self, base: object, extra: dict[str, object]) -> None:
        self.base = base
        self.extra = extra

    def __getitem__(self, name: str) -> object:
        if name in self.extra:
            return self.extra[name]
        return self.base[name]  # type: ignore[index]


def _with_web(settings: object, *, token: str, max_bytes: int) -> object:
    return _WebSettings(settings, {"web.token": token, "web.max_upload_bytes": max_bytes})
