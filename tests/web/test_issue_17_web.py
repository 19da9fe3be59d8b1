"""Issue 17 in the web UI: story list by size, search pages past 50 with a total and
escaped, highlighted snippets, a legend for the timeline's outlet colours, ``/api``
answers with an index."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator

import pytest

from storyline import service
from tests.conftest import synthetic_article
from tests.web.conftest import Client, flood_story, web_settings


def test_api_index_names_the_openapi_schema(client: Client) -> None:
    index = client.get("/api")
    assert index.status_code == 200
    data = index.json()
    assert data["openapi"] == "/api/openapi.json"
    assert "GET /api/stories" in data["routes"] and "POST /api/ingest" in data["routes"]
    assert client.get(data["openapi"]).json()["info"]["title"] == "storyline"


def test_story_list_sorts_by_size(client: Client) -> None:
    page = client.get("/?sort=size").text
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>\s*<td class="num">', page)]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 2
    assert "<b>most articles</b>" in page and 'href="/?sort=recent"' in page
    assert "<b>last active</b>" in client.get("/").text


def test_timeline_has_a_legend_of_outlet_colours(client: Client) -> None:
    page = client.get(f"/stories/{flood_story(client)}").text
    legend = re.search(r'<ul id="timeline-legend".*?</ul>', page, re.S)
    assert legend is not None
    entries = re.findall(r'fill="(#[0-9a-f]{6})"/></svg> ([^<]+)</li>', legend.group(0))
    assert entries and {outlet for _, outlet in entries} <= {"Valley News", "County Herald"}
    for colour, outlet in entries:  # the dot of that outlet's entries has that colour
        assert re.search(rf'<circle [^>]*fill="{colour}"/>[^—]*— {outlet}<', page)


def test_search_snippet_highlights_the_hit_and_escapes_text(client: Client) -> None:
    page = client.get("/search", params={"q": "onerror"}).text
    assert "<mark>onerror</mark>" in page
    assert "<img src" not in page and "&lt;img src=x" in page
    assert 'id="total"' in page and "1 articles" in page


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A store of 120 articles (ingested only), 60 of them about the lighthouse."""
    from storyline.web import create_app

    folder = tmp_path_factory.mktemp("many")
    rng = random.Random(3)
    lines = [
        json.dumps(
            {
                "id": f"a{i:03d}",
                "title": f"Report {i}",
                "text": synthetic_article(rng, 60) + (" The lighthouse reopened." if i % 2 else ""),
                "published": f"2020-02-{1 + i % 28:02d}",
            }
        )
        for i in range(120)
    ]
    (folder / "many.jsonl").write_text("\n".join(lines), encoding="utf-8")
    settings = web_settings(folder / "many.db")
    store = service.open_store(settings)
    try:
        service.ingest(store, [str(folder / "many.jsonl")], settings)
    finally:
        store.close()
    app = create_app(settings)
    yield Client(app)
    app.state.pool.close()


def test_search_pages_past_50_with_a_total(many: Client) -> None:
    first = many.get("/search", params={"q": "lighthouse"}).text
    assert "60 articles; 1–50 shown" in first
    assert len(re.findall(r"<mark>lighthouse</mark>", first)) == 50
    assert 'rel="next" href="/search?q=lighthouse&amp;offset=50"' in first
    assert 'rel="prev"' not in first
    second = many.get("/search", params={"q": "lighthouse", "offset": 50}).text
    assert "60 articles; 51–60 shown" in second and '<ol id="results" start="51">' in second
    assert len(re.findall(r"<li><a href=", second)) == 10
    assert 'rel="prev" href="/search?q=lighthouse&amp;offset=0"' in second
    assert 'rel="next"' not in second
    ids = set(re.findall(r"/articles/(a\d{3})", first)) | set(
        re.findall(r"/articles/(a\d{3})", second)
    )
    assert len(ids) == 60
