"""The web UI in a real browser (Debian's chromium through playwright), on the seed articles.

Marked slow; skipped when chromium, playwright or ../shared/data/seeds is missing.
Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline import service
from storyline.web import create_app
from tests.conftest import SHARED
from tests.web.conftest import HOSTILE, web_settings

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/data/seeds is not present")
    folder = tmp_path_factory.mktemp("browser")
    settings = web_settings(folder / "seeds.db")
    hostile = folder / "hostile.txt"
    hostile.write_text("Hostile page\n\n" + HOSTILE + "\n", encoding="utf-8")
    store = service.open_store(settings)
    try:
        service.ingest(store, [str(seeds / "002_f7bcbbc1a212b420.txt")], settings)
        options = service.IngestOptions(published="2016-10-15", source="Bloomberg")
        service.ingest(store, [str(seeds / "000_9f1ee6b32cca61eb.txt")], settings, options)
        service.ingest(store, [str(hostile)], settings, service.IngestOptions(source="Hostile"))
        service.enrich(store, settings)
        service.cluster(store, settings)
    finally:
        store.close()
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def test_story_list_story_and_article_pages(browser: Any, base_url: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.goto(base_url + "/")
    assert page.locator("#stories").is_visible(), page.content()[-1500:]
    page.screenshot(path=str(SHOTS / "story-list.png"), full_page=True)
    story = page.locator("#stories a").first
    assert story.is_visible()
    story.click()
    page.wait_for_load_state()
    assert page.locator("svg#timeline").is_visible()
    assert page.locator("table#matrix").is_visible()
    page.screenshot(path=str(SHOTS / "story.png"), full_page=True)
    citation = page.locator("#summary a.cite").first
    citation.click()
    page.wait_for_load_state()
    assert page.locator("mark.cited").is_visible()
    assert page.locator("#text span.hl-entity").count() > 0
    page.screenshot(path=str(SHOTS / "article.png"))
    assert problems == []


def test_hostile_article_fires_no_alert(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(base_url + "/search?q=onerror")
    page.locator("#results a").first.click()
    page.wait_for_load_state()
    assert "<script>alert(1)</script>" in page.locator("#text").inner_text()
    assert page.locator("#text script, #text img, #text a").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
