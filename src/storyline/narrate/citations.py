"""Citations and the sentence spans they point at.

A :class:`Citation` names an article, its outlet and a half-open character span
``[start, end)`` in the article's cleaned text (``Article.text``); the raw text is
reached through the article's edit log.

Sentences are found by :func:`sentence_spans`, a fast rule-based splitter, rather than
by re-running spaCy: narration runs over thousands of stored articles and the spans only
need to be good enough to cite. Rules: a line break always ends a sentence (cleaned
texts keep one paragraph per line); inside a line a sentence ends at ``.``, ``!`` or
``?`` (with any closing quotes or brackets) followed by white space and an upper-case
letter, digit or opening quote, unless the word before the full stop is a known
abbreviation ("Mr.", "Gen.", "Sept."), a single initial ("J.") or a dotted acronym
("U.S.", "a.m.") -- acronyms only end a sentence before a word that cannot continue a
name ("The", "He", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.abbreviations import ABBREVIATIONS

__all__ = ["Citation", "sentence_spans"]


@dataclass(frozen=True)
class Citation:
    """Where a shown sentence comes from: ``text[start:end]`` of article ``article_id``."""

    article_id: str
    source: str | None
    start: int
    end: int


_ABBREVIATIONS = ABBREVIATIONS
# Words that start a new sentence after a dotted acronym ("... in the U.S. The talks").
_SENTENCE_STARTERS = frozenset(
    """
    the a an he she it they we i you this that these those there his her its their our
    but and or so yet however meanwhile in on at after before while when if as since
    """.split()
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?([A-Za-z0-9]+)")


def _is_boundary(line: str, stop: int, end: int) -> bool:
    """Whether the punctuation ``line[stop:end]`` ends a sentence."""
    if line[stop] != "." or end - stop > 1:
        return True  # "!", "?", "..." or a full stop with closing marks
    match = _WORD_BEFORE.search(line, max(0, stop - 40), stop + 1)
    if match is None:
        return True
    word = match.group(1)
    if word.lower().rstrip(".") in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "John F. Kennedy"
    if "." in word:  # dotted acronym: "U.S.", "a.m."
        following = _NEXT_WORD.match(line, end)
        return following is not None and following.group(1).lower() in _SENTENCE_STARTERS
    return True


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Half-open spans of the sentences of ``text``, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        begin = 0
        for match in _END.finditer(line):
            if _is_boundary(line, match.start(), match.end()):
                span = _trimmed(text, offset + begin, offset + match.end())
                if span is not None:
                    spans.append(span)
                begin = match.end()
        span = _trimmed(text, offset + begin, offset + len(line))
        if span is not None:
            spans.append(span)
        offset += len(line)
    return tuple(spans)
