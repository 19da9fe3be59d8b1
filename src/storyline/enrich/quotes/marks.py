"""Find passages in double quotation marks (straight or curly), tolerating bad nesting.

A region is the text *inside* the marks. A quote still open when its paragraph ends is
closed there; when the next paragraph opens with a quotation mark (the newspaper way to
continue one speaker's quote over paragraphs) the two regions are joined. A closing mark
without an opening one is ignored. Nothing here raises on unbalanced input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r'\'\'|``|["“”„«»]|\n')
_OPENERS = frozenset({"“", "„", "«", "``"})
_CLOSERS = frozenset("”»")
_BEFORE_OPEN = frozenset(" \t\n([{—–-/:")


@dataclass(frozen=True)
class QuoteRegion:
    """Text inside one pair of quotation marks: ``text[start:end]``."""

    start: int
    end: int
    closed: bool  # False when the paragraph ended before a closing mark


def _opens(text: str, pos: int, width: int) -> bool:
    char = text[pos : pos + width]
    if char in _OPENERS:
        return True
    if char in _CLOSERS:
        return False
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + width] if pos + width < len(text) else " "
    return before in _BEFORE_OPEN and not after.isspace()


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _scan(text: str) -> list[QuoteRegion]:
    regions: list[QuoteRegion] = []
    open_at = -1
    for match in _MARK.finditer(text):
        pos = match.start()
        if match.group() == "\n":
            if open_at >= 0:
                start, end = _trimmed(text, open_at, pos)
                if end > start:
                    regions.append(QuoteRegion(start, end, closed=False))
                open_at = -1
            continue
        width = len(match.group())
        opening = _opens(text, pos, width)
        if open_at < 0:
            if opening:
                open_at = pos + width
        elif opening and match.group() in _OPENERS:
            open_at = pos + width  # a second opener: the first one was stray
        else:
            start, end = _trimmed(text, open_at, pos)
            if end > start:
                regions.append(QuoteRegion(start, end, closed=True))
            open_at = -1
    if open_at >= 0:
        start, end = _trimmed(text, open_at, len(text))
        if end > start:
            regions.append(QuoteRegion(start, end, closed=False))
    return regions


def find_quote_regions(text: str) -> tuple[QuoteRegion, ...]:
    """Quoted passages of ``text`` in order, paragraph-continued quotes joined."""
    joined: list[QuoteRegion] = []
    for region in _scan(text):
        if joined and not joined[-1].closed:
            gap = text[joined[-1].end : region.start]
            if "\n" in gap and gap.strip() in {'"', "“", "„", "«", "''", "``"}:
                joined[-1] = QuoteRegion(joined[-1].start, region.end, region.closed)
                continue
        joined.append(region)
    return tuple(joined)
