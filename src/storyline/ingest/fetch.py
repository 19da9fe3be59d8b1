"""Fetching URLs: the only module of storyline that touches the network.

``fetch_url`` GETs one http(s) URL with httpx: the body streams and stops at
``fetch.max_bytes``, the whole fetch (every hop included) must end within
``fetch.timeout`` seconds, and redirects are followed by hand (at most 5) so that the
address check runs on every hop: unless ``fetch.allow_private`` is set, a host that
resolves to any loopback, private, link-local, multicast, reserved or unspecified
address is refused. Every failure is a ``FetchError`` naming the URL and what to do.

The host is resolved once per hop, every address it resolves to is checked, and the
connection goes to the vetted address itself (the URL's host replaced by that IP, the
``Host`` header and, for https, the TLS server name and certificate check kept on the
host name), so a DNS answer that changes between the check and the connection (DNS
rebinding) cannot lead the fetch to a private address.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any, Final

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


def fetch_url(url: str, *, settings: Settings, client: httpx.Client | None = None) -> FetchedPage:
    """Fetch ``url`` under the ``fetch.*`` settings; raise ``FetchError`` on any failure."""
    timeout = float(settings["fetch.timeout"])
    if client is not None:
        return _fetch(url, client, settings, deadline=time.monotonic() + timeout)
    with httpx.Client(headers={"User-Agent": _USER_AGENT}) as own:
        return _fetch(url, own, settings, deadline=time.monotonic() + timeout)


def _fetch(url: str, client: httpx.Client, settings: Settings, *, deadline: float) -> FetchedPage:
    timeout = float(settings["fetch.timeout"])
    max_bytes = int(settings["fetch.max_bytes"])
    allow_private = bool(settings["fetch.allow_private"])
    current = _parse(url)
    for _ in range(MAX_REDIRECTS + 1):
        address = _check_address(current, allow_private=allow_private, original=url)
        target, headers, extensions = _pinned(current, address)
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timeout_error(url, timeout)
        try:
            with client.stream(
                "GET",
                target,
                headers=headers,
                extensions=extensions,
                follow_redirects=False,
                timeout=left,
            ) as response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    current = _parse(str(current.join(location)), original=url)
                    continue
                body = _read_body(response, url=url, max_bytes=max_bytes, deadline=deadline)
                return FetchedPage(
                    url=url,
                    final_url=str(current),
                    status=response.status_code,
                    content_type=response.headers.get("Content-Type", ""),
                    body=body,
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


def _pinned(
    url: httpx.URL, address: str | None
) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """The request for ``url`` sent to the vetted ``address``: the URL with the address as
    its host, the ``Host`` header and the TLS server name kept on the host name."""
    if address is None or address == url.host:
        return url, {}, {}
    headers = {"Host": url.netloc.decode("ascii")}
    extensions: dict[str, Any] = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return url.copy_with(host=address), headers, extensions


def _check_address(url: httpx.URL, *, allow_private: bool, original: str) -> str | None:
    """Resolve ``url``'s host once and check every address; return the one to connect to
    (``None`` with ``fetch.allow_private``: no check, the client resolves as usual)."""
    if allow_private:
        return None
    host = url.host
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}: no address")
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
    return addresses[0].split("%")[0]


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
