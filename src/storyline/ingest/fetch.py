"""Fetching URLs: the only module of storyline that touches the network.

``fetch_url`` GETs one http(s) URL with httpx: the body streams and stops at
``fetch.max_bytes``, the whole fetch (every hop included) must end within
``fetch.timeout`` seconds, and redirects are followed by hand (at most 5) so that the
address check runs on every hop: unless ``fetch.allow_private`` is set, a host that
resolves to any loopback, private, link-local, multicast, reserved or unspecified
address is refused. Every failure is a ``FetchError`` naming the URL and what to do.

Following sources (``storyline follow``) adds three things here: conditional requests
(``headers`` carry ``If-None-Match`` / ``If-Modified-Since``; a 304 comes back as a
``FetchedPage`` whose ``not_modified`` is true), ``HostLimiter`` (at most one request per
``follow.host_interval`` seconds to each host) and ``RobotsRules`` (robots.txt, read once
per host with the same checks and limits, for article pages).

Limitation: the host is resolved for the check and again by httpx for the connection,
so a DNS answer that changes in between (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

import httpx

from storyline.errors import FetchError
from storyline.settings import Settings

MAX_REDIRECTS: Final = 5
_USER_AGENT: Final = "storyline/0.1 (+https://github.com/storyline)"
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchedPage:
    """One fetched response: where we asked, where we ended up, and what came back."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """The server answered a conditional request with 304: nothing changed."""
        return self.status == 304


def new_client() -> httpx.Client:
    """An HTTP client with storyline's User-Agent (reuse it for many fetches)."""
    return httpx.Client(headers={"User-Agent": _USER_AGENT})


def fetch_url(
    url: str,
    *,
    settings: Settings,
    client: httpx.Client | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    """Fetch ``url`` under the ``fetch.*`` settings; raise ``FetchError`` on any failure.

    ``headers`` are sent with every hop (e.g. ``If-None-Match`` for a conditional GET).
    """
    timeout = float(settings["fetch.timeout"])
    if client is not None:
        return _fetch(url, client, settings, deadline=time.monotonic() + timeout, headers=headers)
    with new_client() as own:
        return _fetch(url, own, settings, deadline=time.monotonic() + timeout, headers=headers)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from a previous response's validators."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


@dataclass
class HostLimiter:
    """At most one request per ``interval`` seconds to each host (call ``wait`` before)."""

    interval: float
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)

    def wait(self, url: str) -> None:
        host = _host_key(url)
        last = self._last.get(host)
        if last is not None:
            left = self.interval - (time.monotonic() - last)
            if left > 0:
                self.sleep(left)
        self._last[host] = time.monotonic()


@dataclass
class RobotsRules:
    """robots.txt of each host, fetched once (under the same address checks and limits).

    A robots.txt that is missing (4xx) allows everything; one that cannot be fetched
    (5xx, timeout, refused) disallows the host for this run, as robots.txt asks.
    """

    settings: Settings
    client: httpx.Client
    limiter: HostLimiter | None = None
    _parsers: dict[str, urllib.robotparser.RobotFileParser | bool] = field(default_factory=dict)

    def allowed(self, url: str) -> bool:
        host = _host_key(url)
        if host not in self._parsers:
            self._parsers[host] = self._load(url)
        rules = self._parsers[host]
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(_USER_AGENT, url)

    def _load(self, url: str) -> urllib.robotparser.RobotFileParser | bool:
        robots_url = str(httpx.URL(url).copy_with(path="/robots.txt", query=None, fragment=None))
        if self.limiter is not None:
            self.limiter.wait(robots_url)
        try:
            page = fetch_url(robots_url, settings=self.settings, client=self.client)
        except FetchError:
            return False
        if 400 <= page.status < 500:
            return True
        if page.status >= 500:
            return False
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(page.body.decode("utf-8", "replace").splitlines())
        return parser


def post_json(
    url: str, data: object, *, settings: Settings, client: httpx.Client | None = None
) -> int:
    """POST ``data`` as JSON to ``url`` (a webhook) under the same address checks and
    time limit as fetching; no redirect is followed. Returns the status code."""
    import json

    parsed = _parse(url)
    _check_address(parsed, allow_private=bool(settings["fetch.allow_private"]), original=url)
    timeout = float(settings["fetch.timeout"])
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    try:
        if client is not None:
            response = client.post(parsed, content=body, headers=headers, timeout=timeout)
        else:
            with new_client() as own:
                response = own.post(parsed, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise _timeout_error(url, timeout) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"could not post to {url}: {type(exc).__name__}: {exc}") from None
    if response.status_code >= 400:
        raise FetchError(f"posting to {url} gave HTTP status {response.status_code}")
    return response.status_code


def _host_key(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url
    return f"{parsed.scheme}://{parsed.host}:{parsed.port or ''}"


def _fetch(
    url: str,
    client: httpx.Client,
    settings: Settings,
    *,
    deadline: float,
    headers: Mapping[str, str] | None = None,
) -> FetchedPage:
    timeout = float(settings["fetch.timeout"])
    max_bytes = int(settings["fetch.max_bytes"])
    allow_private = bool(settings["fetch.allow_private"])
    current = _parse(url)
    for _ in range(MAX_REDIRECTS + 1):
        _check_address(current, allow_private=allow_private, original=url)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timeout_error(url, timeout)
        try:
            with client.stream(
                "GET", current, follow_redirects=False, timeout=left, headers=headers
            ) as response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    current = _parse(str(response.url.join(location)), original=url)
                    continue
                body = _read_body(response, url=url, max_bytes=max_bytes, deadline=deadline)
                return FetchedPage(
                    url=url,
                    final_url=str(response.url),
                    status=response.status_code,
                    content_type=response.headers.get("Content-Type", ""),
                    body=body,
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                )
        except httpx.TimeoutException:
            raise _timeout_error(url, timeout) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"could not fetch {url}: {type(exc).__name__}: {exc}") from None
    raise FetchError(f"could not fetch {url}: more than {MAX_REDIRECTS} redirects")


def _parse(url: str, *, original: str | None = None) -> httpx.URL:
    where = f" (redirected from {original})" if original and original != url else ""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"cannot fetch {url!r}{where}: not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(
            f"cannot fetch {url!r}{where}: only http and https URLs can be fetched, "
            f"not {parsed.scheme or 'a URL without a scheme'}"
        )
    if not parsed.host:
        raise FetchError(f"cannot fetch {url!r}{where}: the URL has no host")
    return parsed


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (``socket.getaddrinfo``)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc}") from None
    return [str(info[4][0]) for info in infos]


def _check_address(url: httpx.URL, *, allow_private: bool, original: str) -> None:
    if allow_private:
        return
    host = url.host
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast or ip.is_reserved:
            hop = "" if str(url) == original else f" (redirected from {original})"
            raise FetchError(
                f"refusing to fetch {url}{hop}: host {host!r} is the non-public address "
                f"{ip}; set fetch.allow_private to true to allow it"
            )


def _read_body(response: httpx.Response, *, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _size_error(url, max_bytes, f"it declares {int(declared):,} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _size_error(url, max_bytes, "it sent more")
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("overall fetch deadline passed")
        chunks.append(chunk)
    return b"".join(chunks)


def _size_error(url: str, max_bytes: int, detail: str) -> FetchError:
    return FetchError(
        f"response from {url} is over fetch.max_bytes = {max_bytes:,} bytes ({detail}); "
        "raise the setting to fetch it"
    )


def _timeout_error(url: str, timeout: float) -> FetchError:
    return FetchError(f"timed out after {timeout:g} s fetching {url}; raise fetch.timeout")
