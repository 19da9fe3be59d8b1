"""Issue 19: DNS rebinding. A resolver that answers a public address for the check and
127.0.0.1 afterwards cannot make storyline connect to 127.0.0.1: the connection goes to
the address that was checked, on every redirect hop."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
import pytest

from storyline.errors import FetchError
from storyline.ingest import fetch
from storyline.settings import Settings

PUBLIC = "93.184.216.34"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = b"<html><body><p>internal admin page</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _rebinding_resolver(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patch the process's resolver: ``rebind.example`` is public the first time it is
    asked, 127.0.0.1 every time after (what a hostile DNS server does)."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("rebind.example", b"rebind.example"):
            address = PUBLIC if not answers else "127.0.0.1"
            answers.append(address)
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _settings() -> Settings:
    return Settings().with_overrides({"fetch.timeout": 3.0})


def test_the_resolver_really_rebinds(monkeypatch: pytest.MonkeyPatch, local_server: int) -> None:
    """The hostile resolver works: a client that resolves again reaches the local server."""
    answers = _rebinding_resolver(monkeypatch)
    socket.getaddrinfo("rebind.example", local_server)  # the check's lookup
    response = httpx.get(f"http://rebind.example:{local_server}/secret", timeout=3)
    assert response.status_code == 200 and _Recorder.hits == ["/secret"]
    assert answers == [PUBLIC, "127.0.0.1"]


def test_rebinding_cannot_reach_loopback(
    monkeypatch: pytest.MonkeyPatch, local_server: int
) -> None:
    answers = _rebinding_resolver(monkeypatch)
    with pytest.raises(FetchError):  # the public address is not reachable offline
        fetch.fetch_url(f"http://rebind.example:{local_server}/secret", settings=_settings())
    assert answers == [PUBLIC]  # resolved once, for the check, and never again
    assert _Recorder.hits == []  # nothing reached 127.0.0.1


def test_every_redirect_hop_is_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each hop goes to the address checked for it, with the host name kept for Host."""
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers["Host"]))
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": "http://next.example/page"})
        return httpx.Response(200, content=b"<html><body><p>ok</p></body></html>")

    addresses = {"start.example": "93.184.216.34", "next.example": "151.101.1.69"}
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: [addresses[host]])
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        page = fetch.fetch_url("http://start.example/start", settings=_settings(), client=client)
    assert seen == [("93.184.216.34", "start.example"), ("151.101.1.69", "next.example")]
    assert page.final_url == "http://next.example/page"
