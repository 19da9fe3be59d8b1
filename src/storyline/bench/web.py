"""``storyline bench web PATH``: latency of the pages and the API under concurrent clients.

PATH is an ``articles.jsonl``. Its articles are ingested, enriched and clustered into a
temporary store; then copies with distinct ids and dates shifted later by whole years are
added (not enriched: a story page only reads its own articles) until the store holds
``_TARGET`` articles. ``storyline serve`` (its own process) then serves the store on
127.0.0.1, and ``bench.web_clients`` concurrent clients (each sending its next request as
soon as the last one is answered) make ``bench.web_requests`` requests to each of: the
story list, the page of the largest story, an article page, a search and the story's
JSON. Reported per path: p50/p95/p99/max in ms and errors (a non-2xx answer or a failed
or timed-out request). Loopback traffic only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from storyline import service
from storyline.bench import web_client
from storyline.errors import BenchError
from storyline.settings import Settings

_TARGET = 10_000


def _records(path: Path) -> list[dict[str, Any]]:
    if path.is_dir():
        path = path / "articles.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BenchError(
            f"cannot read {str(path)!r}: {exc.strerror}; give an articles.jsonl"
        ) from None
    records = [json.loads(line) for line in lines if line.strip()]
    if not records:
        raise BenchError(f"{str(path)!r} holds no records; give a non-empty articles.jsonl")
    return records


def _shift(published: object, years: int) -> object:
    if not isinstance(published, str) or len(published) < 4 or not published[:4].isdigit():
        return published
    return f"{int(published[:4]) + years:04d}{published[4:]}"


def _copies(records: list[dict[str, Any]], target: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    copy = 1
    while len(records) + len(out) < target:
        for record in records:
            if len(records) + len(out) >= target:
                break
            item = dict(record)
            item["id"] = f"{record.get('id', len(out))}#copy{copy}"
            item["published"] = _shift(record.get("published"), copy)
            item["text"] = f"{record.get('text', '')} (copy {copy})"
            out.append(item)
        copy += 1
    return out


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    """``storyline serve`` over ``db`` in its own process, once it answers."""
    command = [sys.executable, "-m", "storyline", "--db", db, "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)] if workers > 1 else command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stories?limit=1", timeout=5).is_success:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    process.wait()
    raise BenchError(f"storyline serve did not answer on port {port}")


def measure_paths(
    db: str, paths: dict[str, str], clients: int, requests: int, workers: int = 1
) -> dict[str, dict[str, Any]]:
    port = _free_port()
    server = _serve(db, port, workers)
    try:
        return {
            name: web_client.run_load("127.0.0.1", port, path, clients, requests)
            for name, path in paths.items()
        }
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _build(records: list[dict[str, Any]], base: Settings, folder: Path) -> None:
    """Ingest, enrich and cluster ``records``, then add the later-dated copies."""
    store = service.open_store(base)
    try:
        service.ingest(store, [str(_write(folder / "a.jsonl", records))], base)
        service.enrich(store, base)
        service.cluster(store, base)
        quiet = base.with_overrides({"enrich.on_ingest": False})
        copies = _write(folder / "copies.jsonl", _copies(records, _TARGET))
        service.ingest(store, [str(copies)], quiet)
    finally:
        store.close()


def _paths(base: Settings, path: Path) -> tuple[dict[str, str], Any, int]:
    """The measured paths (largest story, its first article, a word of it), the store's
    stats and the story's size."""
    store = service.open_store(base)
    try:
        stats = service.store_stats(store)
        stories = service.list_stories(store, limit=None)
        if not stories:
            raise BenchError(f"no story was built from {str(path)!r}; are the articles English?")
        story = max(stories, key=lambda r: (r.articles, r.id))
        members = service.cluster_article_ids(store, story=story.id, event=None)
        article = service.get_article(store, members[0])
    finally:
        store.close()
    word = max(article.text.split()[:50], key=len)
    paths = {
        "story_list": "/",
        "story_page": f"/stories/{quote(story.id, safe='')}",
        "article_page": f"/articles/{quote(article.id, safe='/')}",
        "search": f"/search?q={quote(word)}",
        "story_json": f"/api/stories/{quote(story.id, safe='')}",
    }
    return paths, stats, story.articles


def _own_time(settings: Settings, paths: dict[str, str]) -> dict[str, float]:
    """Each path's median time inside the application (after the load, same store)."""
    from storyline.web import create_app

    app = create_app(settings)
    try:
        return web_client.in_process(app, paths, 300)
    finally:
        app.state.pool.close()


def run(path: Path, settings: Settings) -> dict[str, Any]:
    records = _records(path)
    kept = str(settings["bench.web_store"])
    with tempfile.TemporaryDirectory(prefix="storyline-bench-web-") as folder:
        db = Path(kept) if kept else Path(folder) / "bench.db"
        base = settings.with_overrides({"db": str(db), "cluster.on_ingest": False})
        started = time.perf_counter()
        if not db.exists():
            _build(records, base, Path(folder))
        built = time.perf_counter() - started
        paths, stats, story_articles = _paths(base, path)
        clients = int(settings["bench.web_clients"])
        requests = int(settings["bench.web_requests"])
        workers = int(settings["bench.web_workers"])
        print(f"store ready in {built:.1f}s", file=sys.stderr)
        cold = time.perf_counter()
        results = measure_paths(str(db), paths, clients, requests, workers)
        total = time.perf_counter() - cold
        own = _own_time(base, paths)
    page = results["story_page"]
    return {
        "task": "web",
        "articles": stats.articles,
        "enriched": stats.enriched,
        "story": paths["story_page"].rsplit("/", 1)[-1],
        "story_articles": story_articles,
        "clients": clients,
        "requests": requests,
        "workers": workers,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "median_ms": page["p50_ms"],
        "p95_ms": page["p95_ms"],
        "p99_ms": page["p99_ms"],
        "max_ms": page["max_ms"],
        "errors": sum(r["errors"] for r in results.values()),
        "paths": results,
        "in_process_ms": own,
        "seconds_measuring": round(total, 2),
        "seconds_building_store": round(built, 1),
    }
