"""A story as an Atom feed (RFC 4287): one entry per event, so any feed reader follows it.

Every entry has a stable id (a ``tag:`` URI made of the story and event ids, RFC 4151),
the event's title, an ``updated`` time (its latest article, or a later update recorded
for it), the event's outlets as authors, a link to the story page on storyline and one
``related`` link per source article (only ``http``/``https`` URLs), a plain-text cited
summary and HTML content: the summary's sentences each followed by its citation (outlet,
date, article and span, linked to the marked span on storyline's article page, and the
outlet's own page), and the updates recorded in the event ("what is new").

Article text is hostile: it is escaped once into the HTML of ``content`` and once more
by the XML serializer (lxml), and characters XML cannot carry are dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote

from lxml import etree

from storyline.models import Article, Update
from storyline.narrate.export_sources import safe_url
from storyline.narrate.summarize import Summary

__all__ = ["AtomEvent", "render_atom", "tag_uri"]

ATOM: Final = "http://www.w3.org/2005/Atom"
_NOT_XML: Final = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TAG_AUTHORITY: Final = "tag:storyline.local,2026:"


@dataclass(frozen=True)
class AtomEvent:
    """One event of the story with what its entry shows."""

    id: str
    title: str
    end: str | None
    articles: Sequence[Article]
    summary: Summary | None
    updates: Sequence[Update] = field(default_factory=tuple)


def tag_uri(story_id: str, event_id: str | None = None) -> str:
    """The stable id of a story's feed (or of one of its events' entries)."""
    path = f"story/{quote(story_id, safe='')}"
    if event_id is not None:
        path += f"/event/{quote(event_id, safe='')}"
    return _TAG_AUTHORITY + path


def render_atom(
    story_id: str,
    title: str,
    events: Sequence[AtomEvent],
    *,
    base_url: str,
    generated: str,
) -> str:
    """The Atom document of a story (``generated``: the ``updated`` time of last resort)."""
    story_url = f"{base_url.rstrip('/')}/stories/{quote(story_id, safe='')}"
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "id", tag_uri(story_id))
    _text(feed, "title", title or story_id)
    entries = [_entry(event, story_id, story_url, generated) for event in events]
    latest = max((updated for _, updated in entries), default=_time(generated) or generated)
    _text(feed, "updated", latest)
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "storyline")
    _link(feed, story_url, "alternate", "text/html")
    _link(feed, f"{story_url}/feed.atom", "self", "application/atom+xml")
    _text(feed, "generator", "storyline")
    for entry, _ in sorted(entries, key=lambda e: e[1], reverse=True):
        feed.append(entry)
    body: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return body.decode("utf-8")


def _entry(
    event: AtomEvent, story_id: str, story_url: str, generated: str
) -> tuple[etree._Element, str]:
    entry = etree.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", tag_uri(story_id, event.id))
    _text(entry, "title", event.title or event.id)
    times = [t for t in (_time(a.published) for a in event.articles) if t]
    times += [t for t in (_time(u.at) for u in event.updates) if t]
    updated = max(times, default=_time(event.end) or _time(generated) or generated)
    _text(entry, "updated", updated)
    published = min((t for t in (_time(a.published) for a in event.articles) if t), default=None)
    if published:
        _text(entry, "published", published)
    outlets = sorted({a.source for a in event.articles if a.source})
    for name in outlets or ["storyline"]:
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", name)
    _link(entry, f"{story_url}#event-{quote(event.id, safe='')}", "alternate", "text/html")
    for article in event.articles:
        url = safe_url(article.url)
        if url:
            link = _link(entry, url, "related", "text/html")
            if article.title:
                link.set("title", _clean(article.title))
    if event.summary is not None and event.summary.sentences:
        _text(entry, "summary", event.summary.text).set("type", "text")
    site = story_url.rsplit("/stories/", 1)[0]
    _text(entry, "content", _content_html(event, site)).set("type", "html")
    return entry, updated


def _content_html(event: AtomEvent, site: str) -> str:
    by_id = {a.id: a for a in event.articles}
    parts: list[str] = []
    sentences = event.summary.sentences if event.summary is not None else ()
    for sentence in sentences:
        article = by_id.get(sentence.article_id)
        cite = _cite(
            site, article, sentence.article_id, sentence.source, sentence.start, sentence.end
        )
        parts.append(f"<p>{html.escape(sentence.text)} {cite}</p>")
    if not parts:
        for article in event.articles[:5]:
            lead = article.text.split("\n", 1)[0]
            parts.append(
                f"<p>{html.escape(lead)} "
                f"{_cite(site, article, article.id, article.source, 0, len(lead))}</p>"
            )
    if event.updates:
        items = []
        for update in event.updates:
            cites = " ".join(
                _cite(site, by_id.get(c.article_id), c.article_id, c.source, c.start, c.end)
                for c in update.citations
            )
            items.append(f"<li>{html.escape(update.summary)} {cites}</li>")
        parts.append("<p>What is new:</p><ul>" + "".join(items) + "</ul>")
    return "\n".join(parts)


def _cite(
    site: str, article: Article | None, article_id: str, source: str | None, start: int, end: int
) -> str:
    """``[outlet, date, article:start-end]`` linking to the marked span on storyline, and
    ``(source)`` linking to the outlet's own page when it has a safe URL."""
    outlet = html.escape(source or "unknown outlet")
    date = html.escape((article.published or "undated")[:10]) if article else "undated"
    where = html.escape(f"{article_id}:{start}-{end}")
    span = f"{start}-{end}"
    mark = f"{site}/articles/{quote(article_id, safe='/')}?mark={span}#c{span}"
    cite = f'<a href="{html.escape(mark, quote=True)}">[{outlet}, {date}, {where}]</a>'
    url = safe_url(article.url) if article is not None else None
    if url:
        cite += f' <a href="{html.escape(url, quote=True)}">(source)</a>'
    return cite


def _time(value: str | None) -> str | None:
    """An RFC 3339 date-time (UTC) for a stored date or date-time, else None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value if len(value) > 10 else value + "T00:00:00+00:00")
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = _clean(value)
    return element


def _link(parent: etree._Element, href: str, rel: str, kind: str) -> etree._Element:
    return etree.SubElement(
        parent, f"{{{ATOM}}}link", attrib={"href": _clean(href), "rel": rel, "type": kind}
    )
