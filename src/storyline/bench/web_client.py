"""The load generator of ``storyline bench web``: closed-loop clients over keep-alive
HTTP/1.1 connections, in plain asyncio streams.

On a small machine the client shares the CPUs with the server it measures; httpx's
async client spends about three times the server's own time per request on a cached
page (measured on the 2-core development box: 101 against 348 requests/s on a static
file), so the bench would measure its client. This one writes a bare ``GET`` and reads
the status line, the headers and a ``Content-Length`` or chunked body; nothing else of
HTTP is needed against ``storyline serve`` on the loopback. It takes gzip, as browsers
do, and inflates the first answer of each path (a broken body is an error); it does not
inflate the others: a browser inflates on its user's machine, not on the server's.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import zlib
from typing import Any
from urllib.parse import unquote

from storyline.errors import BenchError

__all__ = ["in_process", "load", "run_load"]


async def _get(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    path: str,
    host: str,
    *,
    inflate: bool = False,
) -> int:
    """One GET on an open connection, taking gzip as browsers do: the status (the body is
    read whole and dropped; ``inflate``: a gzipped body is inflated too, which fails on a
    broken one)."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n"
    writer.write(request.encode("latin-1"))
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split(b" ", 2)[1])
    except (IndexError, ValueError):
        raise BenchError(f"not an HTTP status line: {lines[0][:80]!r}") from None
    length: int | None = None
    chunked = gzipped = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"content-encoding" and b"gzip" in value.lower():
            gzipped = True
    body = b""
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            body += (await reader.readexactly(size + 2))[:-2]
            if size == 0:
                break
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        raise BenchError(f"{path}: a response with neither Content-Length nor chunks")
    if gzipped and inflate:
        zlib.decompress(body, wbits=zlib.MAX_WBITS | 16)
    return status


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _warm(host: str, port: int, path: str) -> Connection | None:
    try:
        connection = await asyncio.open_connection(host, port)
        await asyncio.wait_for(_get(*connection, path, host), 60)
    except (OSError, EOFError, TimeoutError, ValueError, asyncio.LimitOverrunError, BenchError):
        return None
    return connection


def run_load(host: str, port: int, path: str, clients: int, requests: int) -> dict[str, Any]:
    """:func:`load` in a fresh event loop (uvloop's when installed: the client's own cost
    per request is then about half of asyncio's)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load(host, port, path, clients, requests))
    return uvloop.run(load(host, port, path, clients, requests))


async def load(host: str, port: int, path: str, clients: int, requests: int) -> dict[str, Any]:
    """``requests`` GETs of ``path`` by ``clients`` concurrent clients (closed loop: each
    sends its next request when its last is answered), each on its own connection.
    A failed, timed-out (60 s) or non-2xx request is an error (its connection is
    reopened)."""
    left = requests
    latencies: list[float] = []
    errors = 0

    medians: list[float] = []  # each client's own median

    async def one_client(connection: Connection | None) -> None:
        nonlocal left, errors
        mine: list[float] = []
        while left > 0:
            left -= 1
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                status = await asyncio.wait_for(_get(*connection, path, host), 60)
                ok = 200 <= status < 300
            except (
                OSError,
                EOFError,
                TimeoutError,
                ValueError,
                zlib.error,
                asyncio.LimitOverrunError,
                BenchError,
            ):
                ok = False
                if connection is not None:
                    connection[1].close()
                connection = None
            mine.append((time.perf_counter() - started) * 1000)
            latencies.append(mine[-1])
            errors += not ok
        if connection is not None:
            connection[1].close()
        if mine:
            medians.append(statistics.median(mine))

    reader, writer = await asyncio.open_connection(host, port)
    try:
        await _get(reader, writer, path, host, inflate=True)  # warm the cache, check the body
    finally:
        writer.close()
    # warm-up, not measured: every client connects and makes one request, so that each
    # server process (``--workers``) has built its views before the clock starts
    connections = await asyncio.gather(*(_warm(host, port, path) for _ in range(clients)))
    started = time.perf_counter()
    await asyncio.gather(*(one_client(c) for c in connections))
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)

    def pick(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": round(statistics.median(ordered), 1),
        # the median client's median: a fast client makes more requests in a closed loop,
        # so when the server's processes hold the connections unevenly the two differ
        "client_p50_ms": round(statistics.median(medians), 1),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1], 1),
        "requests_per_second": round(len(ordered) / seconds, 1),
    }


async def _call(app: Any, path: str) -> int:
    """One GET straight into the ASGI application (no socket, no HTTP parsing)."""
    target, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(target),
        "raw_path": target.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "root_path": "",
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


def in_process(app: Any, paths: dict[str, str], requests: int) -> dict[str, float]:
    """The application's own time per request (median ms of ``requests`` sequential
    calls after one warm-up, in this process): what the server costs without the HTTP
    layers, the client or other processes competing for the CPU."""

    async def measure() -> dict[str, float]:
        out: dict[str, float] = {}
        for name, path in paths.items():
            if await _call(app, path) >= 300:
                raise BenchError(f"{path} did not answer 2xx in process")
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                await _call(app, path)
                times.append((time.perf_counter() - started) * 1000)
            out[name] = round(statistics.median(times), 3)
        return out

    return asyncio.run(measure())
