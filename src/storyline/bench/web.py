"""``storyline bench web PATH``: latency of the story page under 100 concurrent requests.

PATH is an ``articles.jsonl``. Its articles are ingested, enriched and clustered into a
temporary store; then copies with distinct ids and dates shifted later by whole years are
added (not enriched: a story page only reads its own articles) until the store holds
``_TARGET`` articles. uvicorn then serves the store on 127.0.0.1 and 100 requests
(at most 20 in flight) hit the page of the largest story. Loopback traffic only.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from storyline import service
from storyline.errors import BenchError
from storyline.settings import Settings

_TARGET = 10_000
_REQUESTS = 100
_IN_FLIGHT = 20


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


async def _fire(url: str) -> list[float]:
    limit = asyncio.Semaphore(_IN_FLIGHT)
    async with httpx.AsyncClient(timeout=60, trust_env=False) as client:
        (await client.get(url)).raise_for_status()  # warm the cache and the pool

        async def one() -> float:
            async with limit:
                started = time.perf_counter()
                response = await client.get(url)
                response.raise_for_status()
                return (time.perf_counter() - started) * 1000

        return list(await asyncio.gather(*(one() for _ in range(_REQUESTS))))


def _measure(settings: Settings, path: str) -> list[float]:
    import uvicorn

    from storyline.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        return asyncio.run(_fire(f"http://127.0.0.1:{port}{path}"))
    finally:
        server.should_exit = True
        thread.join(10)


def run(path: Path, settings: Settings) -> dict[str, Any]:
    records = _records(path)
    with tempfile.TemporaryDirectory(prefix="storyline-bench-web-") as folder:
        base = settings.with_overrides(
            {"db": str(Path(folder) / "bench.db"), "cluster.on_ingest": False}
        )
        store = service.open_store(base)
        started = time.perf_counter()
        try:
            service.ingest(store, [str(_write(Path(folder) / "a.jsonl", records))], base)
            service.enrich(store, base)
            service.cluster(store, base)
            enriched = time.perf_counter() - started
            quiet = base.with_overrides({"enrich.on_ingest": False})
            copies = _write(Path(folder) / "copies.jsonl", _copies(records, _TARGET))
            service.ingest(store, [str(copies)], quiet)
            stats = service.store_stats(store)
            stories = service.list_stories(store, limit=None)
        finally:
            store.close()
        if not stories:
            raise BenchError(f"no story was built from {str(path)!r}; are the articles English?")
        story = max(stories, key=lambda r: (r.articles, r.id))
        print(f"store ready in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        cold = time.perf_counter()
        latencies = _measure(base, f"/stories/{story.id}")
        total = time.perf_counter() - cold
    ordered = sorted(latencies)
    return {
        "task": "web",
        "articles": stats.articles,
        "enriched": len(records),
        "story": story.id,
        "story_articles": story.articles,
        "requests": _REQUESTS,
        "in_flight": _IN_FLIGHT,
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "seconds_measuring": round(total, 2),
        "seconds_enrich_and_cluster": round(enriched, 1),
    }
