"""Feed items of a followed source: what identifies them, whether they are teasers, and
the article a teaser's page gives (pure: the caller fetches).

An item is known by its link (``url:``), its guid (``guid:``) and a digest of its
content (``hash:``); any one seen before means the item was seen before. An item whose
text is shorter than ``follow.teaser_words`` is a teaser: its page is read instead,
extracted like every HTML page, and the feed's title, dates, authors and description
fill only what the page lacks (the feed's channel title names the outlet before the
page's site name).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from dataclasses import replace
from typing import Final

from storyline.ingest.html import extract_document
from storyline.models import Document

_TAG: Final = re.compile(r"<[^>]*>")


def item_keys(item: Document) -> list[str]:
    """Every key that identifies ``item``: ``url:``, ``guid:``, ``hash:`` (content digest)."""
    keys: list[str] = []
    if item.url:
        keys.append("url:" + item.url)
    guid = item.labels.get("guid")
    if guid:
        keys.append("guid:" + guid)
    body = item.html if item.html is not None else item.raw
    if body.strip():
        keys.append("hash:" + content_digest(body.encode("utf-8")))
    return keys


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def item_words(item: Document) -> int:
    """Words of the item's own text (its content, else its summary)."""
    body = item.html if item.html is not None else item.raw
    return len(html_lib.unescape(_TAG.sub(" ", body)).split())


def is_teaser(item: Document, teaser_words: int) -> bool:
    """Whether the feed gives only a teaser: shorter than ``teaser_words``, with a link."""
    return bool(item.url) and item_words(item) < teaser_words


def page_document(item: Document, html: str, *, final_url: str) -> Document:
    """The article of ``item`` read from its page ``html``; the feed fills what the page
    lacks. Raises ``InputError`` (naming the item) when the page holds no article text."""
    page = extract_document(
        Document(origin=item.origin, format="html", html=html, url=item.url or final_url)
    )
    return replace(
        page,
        title=page.title or item.title,
        published=page.published or item.published,
        updated=page.updated or item.updated,
        authors=page.authors or item.authors,
        source=item.source or page.source,
        url=item.url or page.url,
        language=page.language or item.language,
        description=page.description or item.description,
        labels={**item.labels, "text_from": "page"},
    )
