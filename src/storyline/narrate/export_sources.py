"""The numbered source list of a report, and which URLs a report may link to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from storyline.models import Article

__all__ = ["SourceItem", "SourceList", "safe_url"]

_UNSAFE_URL_CHARS = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute ``http``/``https`` URL without odd characters, else None.

    Everything else (``javascript:``, ``data:``, relative paths, URLs with quotes, spaces
    or control characters) is shown as text, never linked.
    """
    if not url or _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url


@dataclass(frozen=True)
class SourceItem:
    """One cited article as the source list shows it."""

    id: str
    title: str | None
    source: str | None
    published: str | None
    url: str | None


class SourceList:
    """Numbers cited articles: the given articles first, in order, then any other cited."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._numbers: dict[str, int] = {}
        self._items: list[SourceItem] = []
        for article in articles:
            if article.id not in self._numbers:
                self._add(
                    SourceItem(
                        article.id, article.title, article.source, article.published, article.url
                    )
                )

    def _add(self, item: SourceItem) -> int:
        self._items.append(item)
        self._numbers[item.id] = len(self._items)
        return len(self._items)

    def number(self, article_id: str, source: str | None = None) -> int:
        """The number of ``article_id`` in the list (added at the end when not yet there)."""
        found = self._numbers.get(article_id)
        if found is not None:
            return found
        return self._add(SourceItem(article_id, None, source, None, None))

    def items(self) -> list[tuple[int, SourceItem]]:
        return list(enumerate(self._items, start=1))
