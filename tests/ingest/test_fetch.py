"""Tests for storyline.ingest.fetch, all offline through httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from storyline.errors import FetchError
from storyline.ingest import fetch
from storyline.ingest.fetch import fetch_url
from storyline.settings import Settings

PUBLIC = "http://93.184.216.34"
PAGE = b"<html><body><p>Hello</p></body></html>"


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _settings(**values: object) -> Settings:
    return Settings().with_overrides({f"fetch.{k}": v for k, v in values.items()})


def test_fetches_a_public_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=PAGE, headers={"Content-Type": "text/html"})

    with _client(handler) as client:
        page = fetch_url(f"{PUBLIC}/a", settings=_settings(), client=client)
    assert (page.status, page.body, page.content_type) == (200, PAGE, "text/html")
    assert page.url == page.final_url == f"{PUBLIC}/a"


def test_redirects_are_followed_and_checked_on_every_hop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": "/next"})
        if request.url.path == "/next":
            return httpx.Response(301, headers={"Location": "http://127.0.0.1/admin"})
        return httpx.Response(200, content=PAGE)

    with _client(handler) as client:
        with pytest.raises(FetchError, match=r"refusing to fetch http://127\.0\.0\.1/admin"):
            fetch_url(f"{PUBLIC}/start", settings=_settings(), client=client)
        page = fetch_url(f"{PUBLIC}/start", settings=_settings(allow_private=True), client=client)
    assert page.final_url == "http://127.0.0.1/admin" and page.body == PAGE


def test_too_many_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/again"})

    with _client(handler) as client, pytest.raises(FetchError, match="more than 5 redirects"):
        fetch_url(f"{PUBLIC}/loop", settings=_settings(), client=client)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:192.168.0.1]/",
    ],
)
def test_private_addresses_are_refused(url: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("must not be requested")

    with _client(handler) as client, pytest.raises(FetchError, match=r"fetch\.allow_private"):
        fetch_url(url, settings=_settings(), client=client)


def test_hostnames_are_resolved_and_every_address_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34", "192.168.1.5"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=PAGE)

    with _client(handler) as client, pytest.raises(FetchError, match=r"192\.168\.1\.5"):
        fetch_url("https://news.example/a", settings=_settings(), client=client)


def test_body_size_limit_streams_and_stops() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/declared":
            return httpx.Response(200, content=b"x" * 5000)
        return httpx.Response(200, content=iter([b"x" * 600, b"y" * 600]))

    settings = _settings(max_bytes=1000)
    with _client(handler) as client:
        with pytest.raises(FetchError, match="declares 5,000 bytes"):
            fetch_url(f"{PUBLIC}/declared", settings=settings, client=client)
        with pytest.raises(FetchError, match=r"over fetch\.max_bytes = 1,000"):
            fetch_url(f"{PUBLIC}/streamed", settings=settings, client=client)


def test_timeout_becomes_a_fetch_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with _client(handler) as client, pytest.raises(FetchError, match="timed out after 2 s"):
        fetch_url(f"{PUBLIC}/slow", settings=_settings(timeout=2), client=client)


def test_connection_errors_become_fetch_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with _client(handler) as client, pytest.raises(FetchError, match="ConnectError"):
        fetch_url(f"{PUBLIC}/x", settings=_settings(), client=client)


@pytest.mark.parametrize("url", ["ftp://93.184.216.34/a", "file:///etc/passwd", "javascript:x"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch_url(url, settings=_settings())


def test_error_statuses_are_returned_for_the_caller_to_judge() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, content=b"not here")

    with _client(handler) as client:
        page = fetch_url(f"{PUBLIC}/gone", settings=_settings(), client=client)
    assert page.status == 404
