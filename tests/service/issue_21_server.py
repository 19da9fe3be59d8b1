"""A real local news site for the issue 21 tests: http.server on 127.0.0.1 in a thread.

It serves an RSS feed whose items carry only a teaser (changing between polls as the
test adds items), the full article pages, a robots.txt, and the failure cases (500, a
response slower than the test's timeout, a malformed feed). Every request is recorded
with its path and its conditional headers; the feed honours ``If-None-Match`` and
``If-Modified-Since`` with 304. POSTs (webhook deliveries) are kept in ``posts``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLES = [
    (
        "Floods kill 120 people in Valencia province",
        "2026-11-02T08:00:00+00:00",
        "Maria Lopez",
        "Floods swept through towns in Valencia province on Saturday after torrential rain, "
        "and the regional government said the floods killed 120 people.\n\n"
        "Rescue teams from the Spanish army searched the towns of Paiporta and Catarroja "
        "for survivors, and thousands of residents spent the night in schools and sports "
        "halls.\n\n"
        '"The water came up in minutes and we lost everything," said Ana Garcia, a '
        "shopkeeper in Paiporta whose street was still under water on Sunday.\n\n"
        "Prime Minister Pedro Sanchez said the government would declare the region a "
        "disaster zone and promised emergency aid for the families of the victims.",
    ),
    (
        "Spanish army joins flood rescue in Valencia",
        "2026-11-02T12:00:00+00:00",
        "John Smith",
        "Soldiers of the Spanish army joined the rescue in Valencia province on Sunday, "
        "clearing cars and mud from the streets of Paiporta and Catarroja after the "
        "floods.\n\n"
        "Pedro Sanchez visited the towns and said the central government would send more "
        "troops and emergency aid to the flood victims in the region.\n\n"
        '"We will not leave anyone behind," Sanchez told reporters in Paiporta as rescue '
        "teams searched flooded garages for survivors.\n\n"
        "Residents said the warnings came too late, hours after the water had reached "
        "their homes.",
    ),
    (
        "Valencia floods: death toll rises as search goes on",
        "2026-11-04T09:00:00+00:00",
        "Elena Ruiz",
        "The floods in Valencia province killed 310 people, the regional government said "
        "on Monday, as rescue teams searched Paiporta and Catarroja for the missing.\n\n"
        "Soldiers of the Spanish army and emergency workers cleared mud and cars from the "
        "streets, and Pedro Sanchez promised more emergency aid to the flood victims.\n\n"
        '"Many families are still waiting for news," said Carlos Mazon, the president of '
        "the Valencia region, at a news conference in the city of Valencia.\n\n"
        "Residents of Paiporta said the warnings came hours after the water had reached "
        "their homes.",
    ),
]


def teaser(text: str) -> str:
    """The first sentence: all the feed gives of an article."""
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


@dataclass
class Request:
    path: str
    if_none_match: str | None
    if_modified_since: str | None


@dataclass
class NewsSite:
    """What the site serves; change ``feed_items`` between polls."""

    feed_items: list[int] = field(default_factory=lambda: [0, 1])
    requests: list[Request] = field(default_factory=list)
    posts: list[bytes] = field(default_factory=list)  # webhook deliveries to /hook
    page_delay: float = 0.0
    slow_seconds: float = 3.0
    base: str = ""
    link_prefix: str = "/articles/"  # "/private/" puts the pages where robots.txt forbids
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path == path)

    def feed(self) -> bytes:
        items = []
        for number in self.feed_items:
            title, published, author, text = ARTICLES[number]
            items.append(
                "<item>"
                f"<title>{html.escape(title)}</title>"
                f"<link>{self.base}{self.link_prefix}{number}.html</link>"
                f'<guid isPermaLink="false">urn:test:article:{number}</guid>'
                f"<pubDate>{_rfc822(published)}</pubDate>"
                f"<author>{html.escape(author)}</author>"
                f"<description>{html.escape(teaser(text))}</description>"
                "</item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0"><channel><title>Test Gazette</title>'
            f"<link>{self.base}/</link><description>News</description>"
            + "".join(items)
            + "</channel></rss>"
        ).encode()

    def page(self, number: int) -> bytes:
        title, published, _author, text = ARTICLES[number]
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
        return (
            "<!doctype html><html><head>"
            f"<title>{html.escape(title)} | Test Gazette</title>"
            f'<meta property="article:published_time" content="{published}">'
            "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
            "<footer>Copyright Test Gazette</footer></body></html>"
        ).encode()


def _rfc822(iso: str) -> str:
    from datetime import datetime

    return formatdate(datetime.fromisoformat(iso).timestamp(), usegmt=True)


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            with site.lock:
                site.posts.append(self.rfile.read(length))
            self._send(204 if self.path == "/hook" else 404, b"")

        def do_GET(self) -> None:
            with site.lock:
                site.requests.append(
                    Request(
                        self.path,
                        self.headers.get("If-None-Match"),
                        self.headers.get("If-Modified-Since"),
                    )
                )
            if self.path in ("/feed.xml", "/other.xml"):
                body = site.feed()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = formatdate(1_700_000_000 + len(site.feed_items), usegmt=True)
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", etag=etag, modified=modified)
                else:
                    self._send(200, body, "application/rss+xml", etag=etag, modified=modified)
            elif self.path.startswith(("/articles/", "/private/")):
                time.sleep(site.page_delay)
                number = int(self.path.rsplit("/", 1)[1].split(".")[0])
                self._send(200, site.page(number), "text/html; charset=utf-8")
            elif self.path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif self.path == "/broken.xml":
                self._send(500, b"internal error", "text/plain")
            elif self.path == "/slow.xml":
                time.sleep(site.slow_seconds)
                self._send(200, site.feed(), "application/rss+xml")
            elif self.path == "/malformed.xml":
                self._send(200, b"<rss><channel><title>x</ti", "application/rss+xml")
            else:
                self._send(404, b"not found", "text/plain")

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str | None = None,
            *,
            etag: str | None = None,
            modified: str | None = None,
        ) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            if modified:
                self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the client may have given up (the timeout case)

    return Handler


@contextmanager
def serve(site: NewsSite | None = None) -> Iterator[NewsSite]:
    site = site or NewsSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
