"""Issue 19: hostile text stays inert in every page and in the HTML export, in a real
browser (Debian's chromium through playwright): script tags, event handlers,
``javascript:`` links, CSS, SVG and iframes in titles, outlets, authors and bodies.

Every page is visited (story list, every story, every article, search, entities) and
the export is opened from a file: no dialog fires, no element the text carried appears
in the page, and the Content-Security-Policy holds."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from storyline import service
from storyline.web import create_app
from tests.web.conftest import web_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PAYLOADS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=\"alert('img')\">",
    '<svg id="evil" onload="alert(\'svg\')"><circle r="9"/></svg>',
    "<a href=\"javascript:alert('link')\">map</a>",
    "<style>body{display:none}</style>",
    "<iframe src=\"javascript:alert('frame')\"></iframe>",
    '"><script>alert("attr")</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
]
BASE = (
    "Flood waters rose in the river town of Millbrook on Monday as the mayor Anna Kent "
    "said 120 families left their homes and county crews worked through the night. "
)

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    folder = tmp_path_factory.mktemp("hostile-browser")
    records = [
        {
            "id": f"x{i}",
            "title": f"Flood {payload}",
            "text": BASE + payload + " " + BASE.replace("Monday", "Tuesday"),
            "published": f"2021-06-0{i % 7 + 1}",
            "source": f"Wire {payload}",
            "authors": [payload],
            "url": "javascript:alert('url')" if i % 2 else f"https://example.org/{i}",
        }
        for i, payload in enumerate(PAYLOADS)
    ]
    path = folder / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    settings = web_settings(folder / "hostile.db")
    store = service.open_store(settings)
    try:
        service.ingest(store, [str(path)], settings)
        service.enrich(store, settings)
        service.cluster(store, settings)
        stories = service.list_stories(store, limit=None)
        report = service.export(store, service.Selection(story=stories[0].id), "html")
    finally:
        store.close()
    export = folder / "report.html"
    export.write_text(report, encoding="utf-8")
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", export
    server.should_exit = True
    thread.join(10)


def test_no_page_runs_or_shows_what_the_text_carries(served: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    base, export = served
    import httpx

    stories = httpx.get(base + "/api/stories").json()["items"]
    articles = httpx.get(base + "/api/articles?limit=100").json()["items"]
    entities = httpx.get(base + "/api/entities").json()["items"]
    assert stories and len(articles) == len(PAYLOADS)
    urls = [base + "/", base + "/search?q=alert", base + "/search?q=" + quote("<script>")]
    urls += [f"{base}/stories/{quote(s['id'], safe='')}" for s in stories]
    urls += [f"{base}/articles/{quote(a['id'], safe='/')}" for a in articles]
    urls += [f"{base}/entities/{quote(e['key'], safe='')}" for e in entities[:5]]
    urls.append(export.as_uri())
    dialogs: list[str] = []
    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = chromium.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for url in urls:
                response = page.goto(url)
                assert response is not None and response.ok, url
                page.wait_for_timeout(100)
                injected = page.evaluate(
                    """() => [
                        document.querySelectorAll(
                            'iframe, #evil, circle[r="9"], math, mglyph').length,
                        [...document.querySelectorAll('*')].filter(
                            e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
                        [...document.querySelectorAll('a[href]')].filter(
                            a => a.getAttribute('href').trim().toLowerCase()
                                .startsWith('javascript:')).length,
                        [...document.querySelectorAll('style')].filter(
                            s => s.textContent.includes('display:none')).length,
                        getComputedStyle(document.body).display,
                    ]"""
                )
                assert injected == [0, 0, 0, 0, "block"], (url, injected)
                if url.startswith(base):
                    assert "script-src" in (response.headers.get("content-security-policy") or "")
        finally:
            chromium.close()
    assert dialogs == []
