"""``storyline bench follow PATH``: the cost of following a feed of teasers.

PATH is a folder of ``*.html.gz`` article pages (``extract/scrapinghub/html``, or the
folder holding it). A local http.server on 127.0.0.1 serves an RSS feed with one
teaser item (a title, the first words of the page's text) per page, and the pages
themselves. ``storyline follow`` then polls it into a temporary store three times:
the first poll reads every page (fetch, extract, clean, enrich, cluster, in batches of
``follow.batch_size``), the second is a conditional request answered by 304, and the
third follows one new item added to the feed. Loopback traffic only
(``fetch.allow_private`` and ``follow.host_interval = 0`` are set for the run).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from storyline import service
from storyline.bench import peak_rss_mb
from storyline.errors import BenchError
from storyline.settings import Settings


def _pages(path: Path) -> list[bytes]:
    folder = path / "html" if (path / "html").is_dir() else path
    files = sorted(folder.glob("*.html.gz"))
    if len(files) < 2:
        raise BenchError(f"{str(folder)!r} holds fewer than two *.html.gz pages to serve")
    return [gzip.decompress(f.read_bytes()) for f in files]


class _Site:
    def __init__(self, pages: list[bytes]) -> None:
        self.pages = pages
        self.shown = len(pages) - 1  # the last page joins the feed before the third poll
        self.requests: dict[str, int] = {}
        self.base = ""

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>Item {i}</title><link>{self.base}/p/{i}.html</link>"
            f"<guid>bench-{i}</guid><description>Page {i} of the benchmark.</description></item>"
            for i in range(self.shown)
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench feed</title>'
            f"<link>{self.base}/</link><description>pages</description>{items}</channel></rss>"
        ).encode()


def _handler(site: _Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            kind = "feed" if self.path == "/feed.xml" else self.path.split("/")[1]
            site.requests[kind] = site.requests.get(kind, 0) + 1
            if self.path == "/feed.xml":
                body = site.feed()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", "", etag)
                else:
                    self._send(200, body, "application/rss+xml", etag)
            elif self.path.startswith("/p/"):
                number = int(self.path[3:].split(".")[0])
                self._send(200, site.pages[number], "text/html", None)
            else:
                self._send(404, html.escape(self.path).encode(), "text/plain", None)

        def _send(self, status: int, body: bytes, kind: str, etag: str | None) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def run(path: Path, settings: Settings) -> dict[str, Any]:
    site = _Site(_pages(path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    polls: list[tuple[float, service.FollowReport]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            run_settings = settings.with_overrides(
                {
                    "db": str(Path(folder) / "follow.db"),
                    "fetch.allow_private": True,
                    "follow.host_interval": 0,
                }
            )
            store = service.open_store(run_settings)
            try:
                service.add_subscription(store, f"{site.base}/feed.xml", run_settings)
                for number in range(3):
                    if number == 2:
                        site.shown += 1
                    started = time.perf_counter()
                    report = service.poll(store, run_settings)
                    polls.append((time.perf_counter() - started, report))
                    print(f"poll {number + 1}: {polls[-1][0]:.2f} s", file=sys.stderr)
            finally:
                store.close()
    finally:
        server.shutdown()
        server.server_close()
    (first_s, first), (second_s, second), (third_s, third) = polls
    items = len(site.pages) - 1
    return {
        "task": "follow",
        "items": items,
        "first_poll": {
            "stored": first.stored,
            "rejected": sum(len(p.rejected) for p in first.polls),
            "seconds": round(first_s, 2),
            "seconds_per_item": round(first_s / items, 3),
        },
        "not_modified_poll": {
            "not_modified": second.polls[0].not_modified,
            "stored": second.stored,
            "ms": round(second_s * 1000, 1),
        },
        "one_new_item_poll": {"stored": third.stored, "seconds": round(third_s, 2)},
        "requests": dict(sorted(site.requests.items())),
        "batch_size": int(settings["follow.batch_size"]),
        "peak_rss_mb": peak_rss_mb(),
    }
