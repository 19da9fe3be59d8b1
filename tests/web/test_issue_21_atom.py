"""Issue 21: a story's Atom feed (GET /stories/{id}/feed.atom, export --format atom)."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from storyline import service
from storyline.cli import app
from storyline.narrate.export_atom import tag_uri
from tests.web.conftest import Client, flood_story, web_settings

A = "{http://www.w3.org/2005/Atom}"
runner = CliRunner()


def _check_rfc4287(feed: etree._Element) -> list[etree._Element]:
    """The structural rules of RFC 4287 section 4.1 that every feed must meet."""
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, f"feed needs exactly one {name}"
    entries = feed.findall(f"{A}entry")
    feed_has_author = bool(feed.findall(f"{A}author/{A}name"))
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, f"entry needs exactly one {name}"
        assert feed_has_author or entry.findall(f"{A}author/{A}name")
        alternates = [link for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert alternates or entry.findall(f"{A}content")
        assert all(link.get("href") for link in entry.findall(f"{A}link"))
    for stamp in feed.iter(f"{A}updated", f"{A}published"):
        assert stamp.text and stamp.text.endswith("Z") and "T" in stamp.text  # RFC 3339
    return entries


def test_story_feed_parses_and_has_one_entry_per_event_with_cited_text(
    client: Client, web_store: Path
) -> None:
    story = flood_story(client)
    response = client.get(f"/stories/{story}/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"

    store = service.open_store(web_settings(web_store))
    try:
        events = store.list_clusters("event", story=story)
        members = {e.id: store.cluster_members(story=None, event=e.id) for e in events}
        urls = {a.url for a in store.get_articles([m for ms in members.values() for m in ms])}
    finally:
        store.close()
    assert len(parsed.entries) == len(events) >= 1
    assert {e.id for e in parsed.entries} == {tag_uri(story, e.id) for e in events}
    assert parsed.feed.id == tag_uri(story)

    entries = _check_rfc4287(etree.fromstring(response.content))
    for entry in entries:
        content = entry.find(f"{A}content")
        assert content is not None and content.get("type") == "html"
        html = content.text or ""
        assert "[" in html and ":" in html  # every sentence carries its citation
        assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")
        assert "javascript:" not in " ".join(link.get("href", "") for link in entry.iter())
        related = [link.get("href") for link in entry.findall(f"{A}link[@rel='related']")]
        assert set(related) <= {u for u in urls if u and u.startswith("http")}
    alternates = [e.find(f"{A}link[@rel='alternate']") for e in entries]
    assert all(
        a is not None and a.get("href", "").startswith(f"http://test/stories/{story}")
        for a in alternates
    )
    # stable: the same ids on a second request
    again = feedparser.parse(client.get(f"/stories/{story}/feed.atom").content)
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]


def test_hostile_text_is_escaped_in_the_feed(client: Client) -> None:
    story = flood_story(client)
    body = client.get(f"/stories/{story}/feed.atom").content
    feed = etree.fromstring(body)
    for element in feed.iter():
        assert not str(element.tag).endswith("script")
    text = body.decode()
    if "alert(1)" in text:  # the hostile article is in this story: escaped twice over
        assert "&lt;script&gt;" in text or "&amp;lt;script&amp;gt;" in text


def test_export_format_atom_matches_the_web_feed(
    client: Client, web_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = flood_story(client)
    monkeypatch.setenv("STORYLINE_DB", str(web_store))
    monkeypatch.setenv("STORYLINE_FOLLOW_BASE_URL", "https://news.example.org")
    result = runner.invoke(app, ["export", story, "--format", "atom"])
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(result.output.encode())
    assert parsed.bozo == 0
    web = feedparser.parse(client.get(f"/stories/{story}/feed.atom").content)
    assert sorted(e.id for e in parsed.entries) == sorted(e.id for e in web.entries)
    assert parsed.feed.link.startswith("https://news.example.org/stories/")
    _check_rfc4287(etree.fromstring(result.output.encode()))

    refused = runner.invoke(app, ["export", "--query", "flood", "--format", "atom"])
    assert refused.exit_code == 2 and "exports a story" in refused.output
