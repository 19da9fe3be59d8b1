"""Lossless cleaning: raw text -> cleaned text plus the edit log that produced it.

Cleaning changes as little as it can. Every change is an ``Edit`` (``raw[start:end] ==
before`` became ``after``); the edits are sorted and never overlap, so applying them to
the raw text gives exactly the cleaned text, and ``to_raw_offset`` / ``to_raw_span`` map
any cleaned offset back to the raw text (text outside edits maps one to one).

Whole lines are removed by the line rules below (first match wins; each is a small
function ``(line, where) -> Facts | None``, see ``_RULES``). A removed line takes the
blank lines after it along; at the very start or end of the text it also takes the
whitespace before it, so no ragged blank lines are left behind. Nothing else about
whitespace is normalised.

Reasons (the whole vocabulary):

``headline``             first non-empty line of a plain-text file, when it is at most 30
                         words and either followed by a blank line or at most 20 words with
                         no final period (format ``text`` only) -> ``Cleaned.title``
``repeated-line``        an exact repeat of an earlier line (the first copy is kept)
``boilerplate``          share/ad/navigation lines: "Advertisement", "Share this article"
``photo-credit``         "Photo by: Reuters", "Image: ...", "(AP Photo/...)" -> credits
``caption``              photo captions -> captions (see ``metadata.caption_line``)
``dateline-updated``     "Updated Sep 6, 2016" -> updated
``dateline-published``   "Published 6 September 2016", or a bare date line near the top or
                         the end -> published. When only an update date is present it is
                         also used as the publication date (the closest known bound).
``byline``               "By Jane Doe" among the first lines of the body -> authors
``assistance-trailer``   "With assistance from A" -> contributors
``reporter-contact``     "To contact the reporter on this story: A in PLACE at ..."
                         -> authors, and the place as dateline when the body has none
``editor-contact``       "To contact the editor responsible for this story: ..."
``agency-signoff``       "X and agencies", "Source: X", "- AFP", "(Reuters)" in the last
                         lines -> source; "(Reporting by A; Editing by B)" alone or at the
                         end of a line -> authors / contributors
``teaser``               a line that interrupts the body (prose before and after it) and is
                         a related-article headline: an explicit prefix ("READ MORE:",
                         "Related:", "WATCH:", "Click here", "Sign up for", "Follow us
                         on"), a headline ending in a brand/explainer tag (": QuickTake",
                         ": Explainer"), or a title-cased line of six or more words with no
                         final punctuation. Short subheadings (up to five words, e.g.
                         "Direct Clash") are content and stay.
``glued-words``          spaces restored inside glued words (``storyline.ingest.glue``)
``ptb-detokenised``      Penn Treebank tokens joined back: ``-LRB-`` -> "(", ``Do n't`` ->
                         "Don't", ``Jackson 's`` -> "Jackson's", ````x''`` -> '"x"',
                         ``word ,`` -> "word," (only in text that is PTB-tokenised,
                         ``storyline.ingest.ptb``)

A dateline at the start of the body ("LAUSANNE, Switzerland (Reuters) - ...") is read
into ``Cleaned.dateline`` (and its agency into ``source`` when nothing better is known)
but stays in the text. Source preference: an outlet sign-off ("X and agencies",
"Source: X") > a byline's outlet > the dateline agency > a bare wire sign-off ("- AFP").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from storyline.errors import InputError
from storyline.ingest import metadata as md
from storyline.ingest.glue import find_glue
from storyline.ingest.ptb import find_ptb
from storyline.models import Cleaned, Edit
from storyline.settings import Settings

FORMATS = ("text", "html", "jsonl", "csv", "rss", "warc")

_BOILERPLATE = frozenset(
    s.lower()
    for s in (
        "Advertisement", "Advertisements", "Sponsored", "Share", "Share this", "Tweet",
        "Share this article", "Share this story", "Share on Facebook", "Share on Twitter",
        "Email", "Print", "Comments", "Continue reading", "Continue reading below",
        "Story continues below", "Story continues below advertisement",
        "Article continues below", "Skip to main content", "Read more", "READ MORE",
        "Listen to this article", "Close", "Play video", "Scroll to continue",
    )
)  # fmt: skip
_TEASER_PREFIX = re.compile(
    r"^(?:READ MORE|Read more|READ ALSO|Read also|ALSO READ|Also read|RELATED|Related"
    r"(?: coverage| stories| articles?| content)?|WATCH|Watch|SEE ALSO|See also|MORE|"
    r"Recommended|LISTEN|Listen|Most read|MOST READ)\s*[:|»>]"
    r"|^(?:Click here|Sign up (?:for|to)|Subscribe to|Follow (?:us|@\w+|[A-Z][\w ]{0,30}) on "
    r"(?:Twitter|Facebook|Instagram|X|LinkedIn|YouTube)|Download (?:our|the) \w+ app)\b"
)
_TAG_TEASER = re.compile(
    r"^(?P<head>[^:]{10,150}?):\s*(?:[A-Z][a-z]+[A-Z][A-Za-z]+|Explainer|Q&A|Timeline|"
    r"Factbox|FACTBOX|Fact Box|Analysis|Video|Photos|Gallery|Opinion|Podcast)$"
)
_SMALL = frozenset(
    "a an the of to in on at by for with from and or but as is are vs nor via over into "
    "after amid up out off than about its".split()
)
_FINAL = tuple(".!?,;:\"”'’)…")
_LETTERS = re.compile(r"[^\W\d_]{2}")
_PROSE = re.compile(r"\w[.!?][\"”’')]*\s*$")


@dataclass(frozen=True)
class _Where:
    """Where a line sits: among the first lines of the body, among the last, or between."""

    head: bool
    tail: bool


Rule = Callable[[str, _Where], md.Facts | None]


def _boilerplate_line(line: str, where: _Where) -> md.Facts | None:
    return md.Facts("boilerplate") if line.lower().rstrip(" :.|") in _BOILERPLATE else None


def _date_line(line: str, where: _Where) -> md.Facts | None:
    return md.date_line(line, allow_bare=where.head or where.tail)


def _byline(line: str, where: _Where) -> md.Facts | None:
    return md.byline_line(line) if where.head else None


def _signoff(line: str, where: _Where) -> md.Facts | None:
    if where.tail:
        found = md.reporting_credits(line)
        if found and found[0] == 0:
            return found[1]
        return md.signoff_line(line)
    return None


def _teaser_prefix(line: str, where: _Where) -> md.Facts | None:
    return md.Facts("teaser") if len(line) < 300 and _TEASER_PREFIX.match(line) else None


_RULES: tuple[Rule, ...] = (
    _boilerplate_line,
    lambda line, where: md.credit_line(line),
    lambda line, where: md.caption_line(line),
    _date_line,
    _byline,
    lambda line, where: md.assistance_line(line),
    lambda line, where: md.contact_line(line),
    _signoff,
    _teaser_prefix,
)


def _is_prose(line: str) -> bool:
    """A sentence-like line: eight words or more ending with sentence punctuation."""
    return _PROSE.search(line[-6:]) is not None and line.count(" ") >= 7


def _is_repeat(line: str, previous: str, earlier: set[str]) -> bool:
    """An exact repeat of the line just before, or of an earlier prose line of 12+ words.

    Other lines repeated further apart are list, table or recipe items and stay.
    """
    if line == previous:
        return _LETTERS.search(line) is not None
    if line not in earlier or not _is_prose(line):
        return False
    words = line.split()
    return len(words) >= 12 and sum(w[0].isdigit() for w in words) * 10 < len(words)


def _is_teaser(line: str, *, titled: bool) -> bool:
    """A related-article headline: tagged (": QuickTake") or six+ title-cased words.

    Untagged title-cased lines count only when ``titled`` (not for HTML extractions,
    whose bodies keep real subheadings, product names and list items).
    """
    if line.endswith(_FINAL):
        return False
    tagged = _TAG_TEASER.match(line)
    if not tagged and not titled:
        return False
    words = (tagged.group("head") if tagged else line).split()
    if len(words) < (3 if tagged else 6) or len(words) > 20:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL for w in words)


@dataclass
class _Found:
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    sources: list[tuple[int, str]] = field(default_factory=list)
    contact_place: str | None = None
    published: str | None = None
    updated: str | None = None

    def add(self, facts: md.Facts) -> None:
        self.authors.extend(facts.authors)
        self.contributors.extend(facts.contributors)
        self.credits.extend(facts.credits)
        self.captions.extend(facts.captions)
        self.published = self.published or facts.published
        self.updated = self.updated or facts.updated
        if facts.reason == "reporter-contact":
            self.contact_place = self.contact_place or facts.dateline
        if facts.source:
            rank = {"agency-signoff": 0, "byline": 1, "dateline": 2}.get(facts.reason, 3)
            if rank == 0 and md.is_wire(facts.source):
                rank = 3
            self.sources.append((rank, facts.source))


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def clean(raw: str, *, format: str = "text", settings: Settings | None = None) -> Cleaned:
    """Clean ``raw`` (text of a document of ``format``) into text, edit log and metadata."""
    if format not in FORMATS:
        raise InputError(
            f"cannot clean text of format {format!r}; use one of: {', '.join(FORMATS)}"
        )
    min_zipf = float((settings or Settings())["clean.glue_min_zipf"])
    spans, lines = _split_lines(raw)
    full = [i for i, text in enumerate(lines) if text]
    removed: dict[int, str] = {}
    found = _Found()
    title = None
    if format == "text" and full and _is_headline(lines, full[0]):
        title = lines[full[0]]
        removed[full[0]] = "headline"
    body = [i for i in full if i not in removed]
    first_prose = next((i for i in body if _is_prose(lines[i])), len(lines))
    head, tail = {i for i in body[:6] if i <= first_prose}, set(body[-4:])
    earlier: set[str] = set()
    inline: list[Edit] = []
    previous = ""
    for i in body:
        text = lines[i]
        if _is_repeat(text, previous, earlier):
            removed[i] = "repeated-line"
            continue
        earlier.add(text)
        previous = text
        where = _Where(i in head, i in tail)
        for rule in _RULES:
            facts = rule(text, where)
            if facts is not None:
                removed[i] = facts.reason
                found.add(facts)
                break
        else:
            if i in tail:
                inline.extend(_trailing_credits(raw, spans[i], found))
    kept = [i for i in body if i not in removed]
    prose = [i for i in kept if _is_prose(lines[i])]
    for i in kept:
        if prose and prose[0] < i < prose[-1] and _is_teaser(lines[i], titled=format != "html"):
            removed[i] = "teaser"
    kept = [i for i in kept if i not in removed]
    dateline = None
    if kept:
        facts = md.dateline(lines[kept[0]])
        if facts:
            dateline = facts.dateline
            found.add(facts)
    edits = _line_edits(raw, spans, lines, removed)
    edits.extend(inline)
    cut = [(e.start, e.end) for e in edits]
    for token in find_ptb(raw):
        if not any(s < token.end and token.start < e for s, e in cut):
            before = raw[token.start : token.end]
            edits.append(Edit(token.start, token.end, before, token.after, "ptb-detokenised"))
    cut = [(e.start, e.end) for e in edits]
    for fix in find_glue(raw, min_zipf=min_zipf):
        if not any(s <= fix.start < e or s < fix.end <= e or s == fix.start for s, e in cut):
            before = raw[fix.start : fix.end]
            edits.append(Edit(fix.start, fix.end, before, fix.after, "glued-words"))
    edits.sort(key=lambda e: (e.start, e.end))
    text = apply_edits(raw, edits)
    source = min(found.sources, key=lambda s: s[0])[1] if found.sources else None
    return Cleaned(
        text=text,
        edits=tuple(edits),
        title=title,
        authors=_unique(found.authors),
        contributors=_unique(found.contributors),
        credits=_unique(found.credits),
        captions=_unique(found.captions),
        dateline=dateline or found.contact_place,
        published=found.published or found.updated,
        updated=found.updated,
        source=source,
    )


def _split_lines(raw: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Spans of the raw lines (with their line break) and their stripped text."""
    spans: list[tuple[int, int]] = []
    lines: list[str] = []
    position = 0
    for piece in raw.split("\n"):
        end = min(position + len(piece) + 1, len(raw))
        if end > position:
            spans.append((position, end))
            lines.append(piece.strip())
        position = end
    return spans, lines


def _is_headline(lines: list[str], i: int) -> bool:
    words = len(lines[i].split())
    followed_by_blank = i + 1 < len(lines) and not lines[i + 1]
    if words > 30:
        return False
    return followed_by_blank or (words <= 20 and not lines[i].endswith("."))


def _trailing_credits(raw: str, span: tuple[int, int], found: _Found) -> list[Edit]:
    """A ``(Reporting by ...; Editing by ...)`` credit at the end of a kept line."""
    line = raw[span[0] : span[1]].rstrip()
    hit = md.reporting_credits(line)
    if hit is None:
        return []
    offset, facts = hit
    start = span[0] + len(line[:offset].rstrip())
    end = span[0] + len(line)
    found.add(facts)
    return [Edit(start, end, raw[start:end], "", facts.reason)]


def _line_edits(
    raw: str, spans: list[tuple[int, int]], lines: list[str], removed: dict[int, str]
) -> list[Edit]:
    """One deletion per removed line, taking the blank lines after it along."""
    edits: list[Edit] = []
    full = [i for i, text in enumerate(lines) if text]
    kept = [i for i in full if i not in removed]
    first_kept = kept[0] if kept else None
    last_kept = kept[-1] if kept else None
    for n, i in enumerate(full):
        if i not in removed:
            continue
        start = spans[i][0]
        end = spans[full[n + 1]][0] if n + 1 < len(full) else len(raw)
        if first_kept is None or i < first_kept:
            if n == 0:
                start = 0
        elif last_kept is not None and i > last_kept and full[n - 1] == last_kept:
            start = spans[last_kept][0] + len(raw[slice(*spans[last_kept])].rstrip())
        edits.append(Edit(start, end, raw[start:end], "", removed[i]))
    return edits


def apply_edits(raw: str, edits: Sequence[Edit]) -> str:
    """Apply sorted, non-overlapping ``edits`` to ``raw`` (checks each ``before``)."""
    parts: list[str] = []
    position = 0
    for edit in edits:
        if edit.start < position or raw[edit.start : edit.end] != edit.before:
            raise InputError(
                f"edit {edit!r} does not apply at offset {edit.start}: edits must be sorted, "
                "non-overlapping and match the raw text; rebuild them with clean()"
            )
        parts.append(raw[position : edit.start])
        parts.append(edit.after)
        position = edit.end
    parts.append(raw[position:])
    return "".join(parts)


def _to_raw(edits: Sequence[Edit], offset: int, *, left: bool) -> int:
    if offset < 0:
        raise ValueError(f"cleaned offset must be >= 0, got {offset}")
    delta = 0
    for edit in edits:
        start = edit.start - delta
        if offset < start or (left and offset == start):
            return offset + delta
        if offset < start + len(edit.after):
            return edit.start + min(offset - start, len(edit.before))
        delta += len(edit.before) - len(edit.after)
    return offset + delta


def to_raw_offset(edits: Sequence[Edit], offset: int) -> int:
    """Map a cleaned-text offset to the raw text (``edits`` as in ``Cleaned.edits``).

    An offset where text was deleted maps to just after the deleted raw text.
    """
    return _to_raw(edits, offset, left=False)


def to_raw_span(edits: Sequence[Edit], start: int, end: int) -> tuple[int, int]:
    """Map a cleaned span ``[start, end)`` to the raw span that covers it.

    The start maps past deletions before it, the end stops before deletions after it.
    """
    raw_start = _to_raw(edits, start, left=False)
    if end <= start:
        return raw_start, raw_start
    return raw_start, max(raw_start, _to_raw(edits, end, left=True))
