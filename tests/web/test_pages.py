"""The HTML pages: content, citation links, security headers and hostile article text."""

from __future__ import annotations

import re

from storyline.web.app import CSP
from tests.web.conftest import Client, flood_story


def test_story_list_shows_counts_and_sparklines(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert 'id="stories"' in html and "Flood hits Millbrook" in html
    assert html.index("Flood hits Millbrook") < html.index("Harlow elects council")  # newest first
    assert html.count('<svg class="spark"') == 2
    assert '<a href="/entities/person%3Aanna%20kent">Anna Kent</a>' in html  # what it is about


def test_story_page_has_timeline_comparison_and_citation_links(client: Client) -> None:
    html = client.get(f"/stories/{flood_story(client)}").text
    assert '<svg id="timeline"' in html
    assert 'id="matrix"' in html and "Valley News" in html
    assert re.search(r'<p id="about" class="about">About: .*Anna Kent', html)
    links = re.findall(r'href="(/articles/[^"]+\?mark=(\d+)-(\d+)#c\2-\3)"', html)
    assert links
    target = links[0][0].replace("&amp;", "&")
    article = client.get(target).text
    start, end = links[0][1], links[0][2]
    assert f'<mark id="c{start}-{end}" class="cited">' in article


def test_article_page_highlights_and_keeps_raw_text_one_click_away(client: Client) -> None:
    html = client.get("/articles/f1").text
    assert 'class="hl-entity"' in html and 'class="hl-quote' in html
    assert '<details id="raw">' in html and '<details id="edits">' in html
    assert 'href="https://example.org/f1"' in html


def test_every_response_carries_the_security_headers(client: Client) -> None:
    for url in ("/", "/articles/f1", "/api/articles", "/static/style.css", "/nowhere"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_hostile_article_text_is_shown_as_text(client: Client) -> None:
    html = client.get("/articles/h1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:alert(1)" in html  # shown, escaped, as text
    assert "<script>alert" not in html and "<img" not in html
    assert 'href="javascript:' not in html and '<a href="javascript' not in html
    assert "Flood &lt;b&gt;warning&lt;/b&gt;" in html and "Hostile &lt;i&gt;Wire" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/app.js" defer>']


def test_unsafe_article_urls_are_not_linked(client: Client) -> None:
    html = client.get("/articles/f2").text
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_hostile_text_on_story_and_search_pages_is_escaped(client: Client) -> None:
    for url in (f"/stories/{flood_story(client)}", "/search?q=warning", "/"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img" not in html and "<i>Wire" not in html


def test_entity_and_search_pages(client: Client) -> None:
    entity = client.get("/entities/person%3Aanna%20kent")
    assert entity.status_code == 200
    assert "Anna Kent" in entity.text and "We have never seen water this high" in entity.text
    search = client.get("/search", params={"entity": "Anna Kent", "q": "tuesday"}).text
    assert "Millbrook cleans up" in search and "Flood hits Millbrook" not in search
    missing = client.get("/stories/story-404")
    assert missing.status_code == 404 and "NotFoundError" in missing.text
