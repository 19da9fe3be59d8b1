"""RSS and Atom feeds: one ``Document`` per item, parsed by feedparser from bytes.

feedparser only ever gets the bytes (wrapped in ``BytesIO``): given a string it may open
files or fetch URLs. Each item's ``html`` is its full content (``content:encoded``, Atom
``content``), else its summary; plain-text content is escaped into ``<p>`` paragraphs so
``html`` is always HTML. Dates come from the item's own date strings (keeping their
offset), else feedparser's parsed UTC time, and are never invented. The feed's title is
the ``source``; the item's guid goes to ``labels["guid"]`` (``id`` stays ``None``: the
store derives ids).

A feed that feedparser flags as malformed ("bozo") but that still yields items keeps
them; one that yields nothing is rejected with the parser's reason. Items with neither
content nor summary are rejected one by one; items past ``max_items`` are rejected
together, in one line.

Entities: feedparser strips the document type declaration before parsing, so neither
external entities (``SYSTEM "file:///etc/passwd"``) nor entity bombs are ever expanded;
``tests/ingest/test_issue_19_hostile.py`` holds both.
"""

from __future__ import annotations

import html as html_lib
import io
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final

import feedparser

from storyline.ingest.tabular import normalise_date
from storyline.models import Document, Rejection

_TAG: Final = re.compile(r"<[^>]*>")
_SPACE: Final = re.compile(r"\s+")
_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})


def read_feed(
    data: bytes, *, origin: str, content_type: str | None = None, max_items: int = 10_000
) -> Iterator[Document | Rejection]:
    """Parse an RSS/Atom document; yield one ``Document`` or ``Rejection`` per item."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = parsed.get("entries") or []
    if not entries:
        yield Rejection(origin, _empty_reason(parsed))
        return
    channel = parsed.get("feed") or {}
    source = _plain(channel.get("title")) or None
    language = channel.get("language") or None
    for number, entry in enumerate(entries, start=1):
        if number > max_items:
            yield Rejection(
                f"{origin}#{number}",
                f"feed has {len(entries):,} items, over ingest.max_feed_items = {max_items:,}: "
                f"items {number:,} to {len(entries):,} were skipped",
            )
            return
        link = entry.get("link") or ""
        where = f"{origin}#{number} {link}".rstrip()
        yield _document(entry, origin=where, source=source, language=language)


def _empty_reason(parsed: Mapping[str, Any]) -> str:
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        return f"malformed feed with no readable items: {error}"
    if not parsed.get("version"):
        return "not an RSS or Atom feed (no channel or feed element found)"
    return f"{parsed.get('version')} feed has no items"


def _document(
    entry: dict[str, Any], *, origin: str, source: str | None, language: str | None
) -> Document | Rejection:
    content = _content(entry)
    if content is None:
        return Rejection(origin, "feed item has no content and no summary")
    body, item_language = content
    summary = entry.get("summary") or ""
    description = _plain(summary) if summary and summary != body else None
    labels = {"guid": str(entry["id"])} if entry.get("id") else {}
    return Document(
        origin=origin,
        format="rss",
        html=body,
        title=_plain(entry.get("title")) or None,
        published=_date(entry, "published"),
        updated=_date(entry, "updated"),
        source=source,
        url=entry.get("link") or None,
        authors=_authors(entry),
        language=item_language or language,
        description=description or None,
        labels=labels,
    )


def _content(entry: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """The item's fullest body as HTML, with the language it declares."""
    candidates: list[Mapping[str, Any]] = list(entry.get("content") or [])
    detail = entry.get("summary_detail")
    if not candidates and detail and detail.get("value"):
        candidates = [detail]
    best = max(candidates, key=lambda c: len(c.get("value") or ""), default=None)
    if best is None or not (best.get("value") or "").strip():
        return None
    value = str(best["value"])
    if (best.get("type") or "text/html") not in _HTML_TYPES:
        paragraphs = [p.strip() for p in value.split("\n\n") if p.strip()]
        value = "\n".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
    return value, best.get("language") or None


def _date(entry: dict[str, Any], name: str) -> str | None:
    # dict.get, not entry.get: feedparser maps a missing "updated" to "published" (with a
    # DeprecationWarning), which would turn a publication date into an update date.
    written = dict.get(entry, name)
    if written:
        try:
            return normalise_date(written)
        except ValueError:
            pass  # feedparser knows more date formats: use its parsed (UTC) value
    parsed = dict.get(entry, f"{name}_parsed")
    if isinstance(parsed, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", parsed)
    return None


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [_plain(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict)]
    if not any(names) and entry.get("author"):
        names = [_plain(entry.get("author"))]
    return tuple(dict.fromkeys(n for n in names if n))


def _plain(value: object) -> str:
    """Text of a feed string that may carry markup or entities."""
    if not value:
        return ""
    text = html_lib.unescape(_TAG.sub(" ", str(value)))
    return _SPACE.sub(" ", text).strip()
