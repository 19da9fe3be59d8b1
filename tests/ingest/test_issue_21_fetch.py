"""Issue 21: what following adds to storyline.ingest.fetch (offline, httpx.MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from storyline.errors import FetchError
from storyline.ingest.fetch import RobotsRules, conditional_headers, fetch_url, post_json
from storyline.settings import Settings

PUBLIC = "http://93.184.216.34"


def test_a_conditional_request_sends_the_validators_and_304_is_not_modified() -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=b"<rss/>", headers={"ETag": '"v1"'})

    headers = conditional_headers('"v1"', "Tue, 14 Nov 2023 22:13:22 GMT")
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fresh = fetch_url(f"{PUBLIC}/feed", settings=Settings(), client=client)
        again = fetch_url(f"{PUBLIC}/feed", settings=Settings(), client=client, headers=headers)
    assert (fresh.not_modified, fresh.etag) == (False, '"v1"')
    assert again.not_modified and again.body == b""
    assert seen[1]["If-Modified-Since"] == "Tue, 14 Nov 2023 22:13:22 GMT"
    assert conditional_headers(None, None) == {}


def test_webhooks_follow_the_address_rules_of_fetching() -> None:
    with pytest.raises(FetchError, match=r"refusing to fetch http://127\.0\.0\.1:9/hook"):
        post_json("http://127.0.0.1:9/hook", {"kind": "new_event"}, settings=Settings())
    with pytest.raises(FetchError, match="only http and https"):
        post_json("file:///etc/passwd", {}, settings=Settings())
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(500 if b"fail" in request.content else 204)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        assert post_json(f"{PUBLIC}/hook", {"a": 1}, settings=Settings(), client=client) == 204
        with pytest.raises(FetchError, match="HTTP status 500"):
            post_json(f"{PUBLIC}/hook", {"fail": 1}, settings=Settings(), client=client)
    assert bodies[0] == b'{"a": 1}'


@pytest.mark.parametrize(
    ("status", "body", "allowed"),
    [
        (200, b"User-agent: *\nDisallow: /private/\n", {"/news/1": True, "/private/1": False}),
        (404, b"", {"/private/1": True}),
        (503, b"", {"/news/1": False}),  # robots.txt cannot be read: stay away
    ],
)
def test_robots_rules(status: int, body: bytes, allowed: dict[str, bool]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(status, content=body)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        rules = RobotsRules(Settings(), client)
        for path, expected in allowed.items():
            assert rules.allowed(f"{PUBLIC}{path}") is expected
    assert calls == ["/robots.txt"]  # read once per host
