"""Issue 19: pages cached per store generation are rebuilt after any write (another
process's or the server's own), gzipped bodies are the plain ones, and
``serve --workers`` answers the bench's client without an error."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from storyline import service
from storyline.bench import web_client
from storyline.bench.web import _free_port
from storyline.errors import BenchError
from storyline.web import create_app
from storyline.web.app import CSP

from .conftest import Client, flood_story, web_settings

WORD = "zanzibarite"


def _copy(source: Path, folder: Path) -> Path:
    target = folder / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _ingest(db: Path, folder: Path, article_id: str) -> None:
    """What `storyline ingest` does, from its own connection."""
    path = folder / f"{article_id}.jsonl"
    record = {
        "id": article_id,
        "title": f"The {WORD} report",
        "text": f"Geologists in Millbrook found {WORD}, a mineral new to the valley, "
        "in the mud the river left behind on Monday.",
        "published": "2021-06-09",
        "source": "Valley News",
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    settings = web_settings(db, **{"enrich.on_ingest": False, "cluster.on_ingest": False})
    store = service.open_store(settings)
    try:
        service.ingest(store, [str(path)], settings)
    finally:
        store.close()


@pytest.fixture
def fresh(web_store: Path, tmp_path: Path) -> Path:
    return _copy(web_store, tmp_path)


def test_a_write_from_another_process_changes_every_cached_page(
    fresh: Path, tmp_path: Path
) -> None:
    app = create_app(web_settings(fresh))
    client = Client(app)
    try:
        before = client.get("/").text
        assert client.get(f"/search?q={WORD}").text.count("/articles/new1") == 0
        assert client.get("/articles/new1").status_code == 404  # not cached: errors never are
        assert client.get("/").text == before  # served from the cache, same page
        _ingest(fresh, tmp_path, "new1")
        assert client.get("/").text != before  # the store's counts moved
        found = client.get(f"/search?q={WORD}")
        assert found.status_code == 200 and "/articles/new1" in found.text
        assert client.get(f"/search?q={WORD.upper()}").text.count("/articles/new1") >= 1
        assert client.get("/articles/new1").status_code == 200
    finally:
        app.state.pool.close()


def test_a_write_through_the_servers_own_store_changes_the_pages(fresh: Path) -> None:
    app = create_app(web_settings(fresh))
    client = Client(app)
    try:
        assert "/articles/f1" in client.get("/search?q=millbrook").text
        before = client.get("/search?q=millbrook").text
        store = app.state.pool.acquire()  # the connection a POST /api/ingest would use
        try:
            store.log_clusters(["a write through the server's own connection"])
            settings = web_settings(fresh, **{"enrich.on_ingest": False})
            path = fresh.parent / "own.jsonl"
            record = {
                "id": "own1",
                "title": "Millbrook again",
                "text": "Millbrook voted on Wednesday to raise the river wall by two metres "
                "before the autumn storms, the council said after a long meeting.",
                "published": "2021-06-10",
            }
            path.write_text(json.dumps(record) + "\n", encoding="utf-8")
            service.ingest(
                store, [str(path)], settings.with_overrides({"cluster.on_ingest": False})
            )
        finally:
            app.state.pool.release(store)
        after = client.get("/search?q=millbrook").text
        assert after != before and "/articles/own1" in after
    finally:
        app.state.pool.close()


def test_gzipped_bodies_are_the_plain_ones_with_the_same_headers(client: Client) -> None:
    story = flood_story(client)
    urls = ["/", f"/stories/{story}", "/articles/h1", "/search?q=flood", f"/api/stories/{story}"]
    for url in urls:
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
        assert plain.status_code == zipped.status_code == 200, url
        assert "content-encoding" not in plain.headers, url
        assert zipped.headers["content-encoding"] == "gzip", url
        assert zipped.content == plain.content, url  # httpx inflated it
        for response in (plain, zipped):
            assert response.headers["content-security-policy"] == CSP
            assert response.headers["vary"] == "Accept-Encoding"
    refused = client.get("/", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    hostile = client.get("/articles/h1", headers={"Accept-Encoding": "gzip"}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile and "<script>alert" not in hostile


def test_the_story_json_is_the_api_s_shape(client: Client) -> None:
    story = flood_story(client)
    data = client.get(f"/api/stories/{story}").json()
    assert data["id"] == story and data["events"] and data["article_ids"]
    assert client.get("/api/stories/no-such-story").status_code == 404


def test_serve_with_two_workers_answers_the_bench_client(web_store: Path, tmp_path: Path) -> None:
    db = _copy(web_store, tmp_path)
    port = _free_port()
    command = [sys.executable, "-m", "storyline", "--db", str(db), "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([*command, "--workers", "2"], stderr=sink)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=5).is_success:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "serve --workers 2 did not answer"
            time.sleep(0.2)
        for path in ("/", "/articles/f1", "/search?q=river"):
            result = web_client.run_load("127.0.0.1", port, path, clients=10, requests=60)
            assert result["requests"] == 60 and result["errors"] == 0, (path, result)
        missing = web_client.run_load("127.0.0.1", port, "/articles/nope", clients=2, requests=4)
        assert missing["errors"] == 4  # a 404 counts as an error: the client can fail
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_in_process_timing_calls_the_app_and_refuses_an_error(client: Client) -> None:
    paths = {"list": "/", "article": "/articles/f1", "search": "/search?q=millbrook"}
    times = web_client.in_process(client.app, paths, 5)
    assert set(times) == set(paths) and all(t > 0 for t in times.values())
    with pytest.raises(BenchError, match="/articles/nope"):
        web_client.in_process(client.app, {"missing": "/articles/nope"}, 1)
