"""Repair words glued together by scrapers, conservatively, with a word-frequency model.

Scrapers lose the space between two inline elements ("siege of Aleppoby President"),
between sentences ("the U.S.The Kremlin") or the hyphen of a fraction ("5 1 / 2year").
``find_glue`` returns the fixes; ``storyline.ingest.clean`` turns them into edits with
reason ``glued-words``.

Word glue (English texts only: the commonest function words must be frequent). A token
is considered only when it is ASCII-alphabetic, at least five letters, not all capitals,
occurs once in the text (a repeated odd token is a name or a term), does not touch
``@ / # . &`` or an apostrophe and is not on a line holding a URL. A split ``a + b``
(wordfreq Zipf scale, English) is accepted only when

* both parts are known: Zipf >= ``clean.glue_min_zipf`` (default 3.0), two letters or
  more; the whole token is far rarer than its parts (at least 2.5 below the rarer part,
  and below 2.0 unless it is a preposition glued to an article: "ofthe");
* the token is not one edit away from a known word (Zipf >= 3: a typo such as "freedon"
  or "natoin" is not glue);
* and the split is one of these shapes:
  - lowercase content word + function word ("strikeby", "dependenceon");
  - preposition/conjunction + article or determiner ("inthe", "fromthe");
  - two lowercase content words of six letters or more, Zipf >= 4 each, the token never
    seen by wordfreq, not an inflection of a known word and not starting with a
    combining form such as multi-, psycho- ("oppositionfighters");
  - capitalised word that occurs on its own elsewhere in the text + a function word
    ("Aleppoby" when "Aleppo" occurs alone; "Johnsonwas");
  - lowercase word of four letters or more + capitalised word ("graveThe").

The best split (highest Zipf of its rarer part) wins. Names unknown to wordfreq
("Shamanov", "Kravchenko") have no split into two known words and are left alone.

Sentence glue: a period directly followed by a capitalised word, after a lowercase word
or a dotted abbreviation ("increasing.The", "U.S.The"), gets a space; chunks holding
``@``, ``/``, ``:`` or ``www.`` and domain endings (".Com") are skipped.
Number glue: "1 / 2year" -> "1/2-year", "4year" -> "4-year" (year, month, week, day,
hour, minute, mile).
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from functools import lru_cache

_FUNCTION = frozenset(
    "by of the to and in on at for with from as or but an is was are were be has had have "
    "that this its into than".split()
)
_TAILS = frozenset(
    "by of the to and in on at for with from but is was are were has had have that this its "
    "into than".split()
)
_NAME_TAILS = frozenset("by of the to and in at for with from is was are were has had have".split())
_GLUE_HEADS = frozenset("of in on to at for by from with and but or into as".split())
_GLUE_TAILS = frozenset("the an this that these those its his her their".split())
_COMBINING = frozenset(
    "multi anti counter cyber micro macro mega ultra inter trans semi post super over under "
    "self non pro psycho neuro bio geo socio hyper extra intra mini".split()
)
_DOMAINS = frozenset({"Com", "Net", "Org", "Co", "Io"})
_PUNCT = "\"'“”‘’()[]{}.,;:!?*…«»"
_UNITS = "year|month|week|day|hour|minute|mile"
_NUMBER_UNIT = re.compile(rf"\d{{1,3}}(?:{_UNITS})")
_FRACTION = re.compile(rf"/ ?(?P<den>\d{{1,2}})(?P<unit>(?:{_UNITS})s?)\b")
_NUMERATOR = re.compile(r"(?<![\d/])(\d) ?$")
_DOT_CAPITAL = re.compile(r"\.[A-Z][a-z]")
_CHUNK_BAD = re.compile(r"[@/:\\]|www\.|\.(?:com|org|net)\b", re.IGNORECASE)
_PLAIN_CHUNKS: dict[float, set[str]] = {}  # chunks known to hold no glue, per min_zipf
_PLAIN_LIMIT = 1_000_000
_COMMON = 4.0
_TYPO_ZIPF = 3.0
_ENGLISH_SHARE = 0.06
_GAP = 2.5
_RARE = 2.0


@dataclass(frozen=True)
class GlueFix:
    """Replace ``text[start:end]`` with ``after``."""

    start: int
    end: int
    after: str


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """wordfreq's English word -> frequency table, loaded on first use (about 0.3 s)."""
    from wordfreq import get_frequency_dict  # its import alone takes about 0.2 s

    table: dict[str, float] = get_frequency_dict("en")
    return table


@lru_cache(maxsize=1 << 17)
def _zipf(word: str) -> float:
    """Zipf frequency of a lowercase word, as ``wordfreq.zipf_frequency`` computes it."""
    frequency = _frequencies().get(word, 0.0)
    return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0


def find_glue(text: str, *, min_zipf: float = 3.0) -> list[GlueFix]:
    """Every glued-word fix in ``text``, sorted by position and never overlapping."""
    fixes = _word_fixes(text, min_zipf) + _sentence_fixes(text)
    fixes.sort(key=lambda f: f.start)
    kept: list[GlueFix] = []
    for fix in fixes:
        if not kept or fix.start >= kept[-1].end:
            kept.append(fix)
    return kept


def split_glued(token: str, *, min_zipf: float = 3.0, seen: frozenset[str] = frozenset()) -> str:
    """``token`` with a space where it is glued ("strikeby" -> "strike by"), else unchanged.

    ``seen`` holds the other words of the text: a capitalised first part must be among
    them ("Aleppoby" splits only when "Aleppo" occurs on its own).
    """
    found = _candidate(token, min_zipf)
    if found is None or (found[1] and found[0].split(" ")[0] not in seen):
        return token
    return found[0]


@lru_cache(maxsize=1 << 16)
def _candidate(token: str, min_zipf: float) -> tuple[str, bool] | None:
    """The context-free best split of ``token`` and whether its first part must be seen."""
    if token.isupper() or not token.isascii():
        return None
    whole = _zipf(token.lower())
    if whole >= min_zipf + 0.5:
        return None
    best: tuple[float, str, bool] | None = None
    table, low = _frequencies(), token.lower()
    floor = 10 ** (min_zipf - 9)
    for i in range(2, len(token) - 1):
        if table.get(low[:i], 0.0) < floor or table.get(low[i:], 0.0) < floor:
            continue
        a, b = token[:i], token[i:]
        za, zb = _zipf(a.lower()), _zipf(b.lower())
        rarer = min(za, zb)
        if rarer < min_zipf or whole > rarer - _GAP or (best is not None and rarer <= best[0]):
            continue
        glue_pair = a in _GLUE_HEADS and b in _GLUE_TAILS
        if whole >= _RARE and not glue_pair:
            continue
        if _shape_ok(a, b, za, zb, whole, glue_pair):
            best = (rarer, f"{a} {b}", glue_pair)
    if best is None or (not best[2] and _near_known(token.lower())):
        return None
    return best[1], best[1][0].isupper()


def _shape_ok(a: str, b: str, za: float, zb: float, whole: float, glue_pair: bool) -> bool:
    if a.islower() and b.islower():
        if glue_pair:
            return True
        if b in _TAILS:
            return len(a) >= 3 and a not in _FUNCTION
        return (
            whole == 0.0
            and len(a) >= 6
            and len(b) >= 6
            and min(za, zb) >= _COMMON
            and not any(a.startswith(c) for c in _COMBINING)
            and not _inflected_word(a + b)
        )
    if a.istitle() and b.islower():
        return b in _NAME_TAILS and a.lower() not in _FUNCTION and len(a) >= 3
    if a.islower() and b.istitle():
        return len(a) >= 4 and (b.lower() in _FUNCTION or len(b) >= 4) and b not in _DOMAINS
    return False


def _inflected_word(token: str) -> bool:
    """Whether ``token`` is an inflection of a word wordfreq knows ("psychodramas")."""
    for suffix in ("s", "es", "ed", "d", "ing", "er", "ers", "ly"):
        if token.endswith(suffix) and _zipf(token[: -len(suffix)]) >= _RARE - 0.5:
            return True
    return False


@lru_cache(maxsize=1 << 12)
def _near_known(word: str) -> bool:
    """Whether one edit (drop, swap, change, add a letter) turns ``word`` into a known word.

    Such a token is far more likely a typo ("freedon", "natoin") than two glued words.
    """
    table = _frequencies()
    floor = 10 ** (_TYPO_ZIPF - 9)
    n = len(word)
    candidates = [word[:i] + word[i + 1 :] for i in range(n)]
    candidates += [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1)]
    for i in range(n + 1):
        for letter in string.ascii_lowercase:
            candidates.append(word[:i] + letter + word[i:])
            if i < n:
                candidates.append(word[:i] + letter + word[i + 1 :])
    return any(table.get(c, 0.0) >= floor for c in candidates if c != word)


def _english(text: str) -> bool:
    """Cheap check that ``text`` is English: the commonest function words are frequent."""
    hits = sum(text.count(w) for w in (" the ", " of ", " and ", " to ", " in "))
    return hits * 6 >= len(text) * _ENGLISH_SHARE


def _chunk_glue(chunk: str, min_zipf: float) -> tuple[tuple[str, str], ...]:
    """Glue candidates in one whitespace-separated chunk: ``(token, fixed)`` pairs.

    ``fixed`` is the split word, or ``""`` for a number glued to its unit ("4year").
    """
    core = chunk.strip(_PUNCT)
    if core[:1].isdigit():
        return ((core, ""),) if _NUMBER_UNIT.fullmatch(core) else ()
    found: list[tuple[str, str]] = []
    table = _frequencies()
    floor = 10 ** (min_zipf + 0.5 - 9)
    for piece in core.split("-") if "-" in core else (core,):
        if len(piece) >= 5 and piece.isalpha() and table.get(piece.lower(), 0.0) < floor:
            split = _candidate(piece, min_zipf)
            if split is not None:
                found.append((piece, split[0]))
    return tuple(found)


def _word_fixes(text: str, min_zipf: float) -> list[GlueFix]:
    words: dict[str, str] = {}
    numbers: set[str] = set()
    plain = _PLAIN_CHUNKS.setdefault(min_zipf, set())
    if len(plain) > _PLAIN_LIMIT:
        plain.clear()
    for chunk in set(text.split()).difference(plain):
        found = _chunk_glue(chunk, min_zipf)
        if not found:
            plain.add(chunk)
        for token, fixed in found:
            if fixed:
                words[token] = fixed
            else:
                numbers.add(token)
    fixes = _number_fixes(text, numbers)
    if not words or not _english(text):
        return fixes
    for token, fixed in words.items():
        hits = list(_whole_word(token).finditer(text))
        if len(hits) != 1 or _in_url(text, hits[0].start()):
            continue
        start, end = hits[0].span()
        before, after = text[max(0, start - 1) : start], text[end : end + 2]
        if (before and before in "@/#.&'’\\") or (after[:1] and after[:1] in "@/&'’"):
            continue
        if after[:1] == "." and after[1:2].isalnum():
            continue
        head = fixed.split(" ")[0]
        if head[0].isupper() and _whole_word(head).search(text) is None:
            continue
        gap = start + len(head)
        # the whole token is the edit, so the log reads "Aleppoby" -> "Aleppo by"
        fixes.append(GlueFix(start, end, f"{text[start:gap]} {text[gap:end]}"))
    return fixes


def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z]){word}(?![A-Za-z])")


def _in_url(text: str, position: int) -> bool:
    """Whether the line around ``position`` holds a URL (also a spaced one, "http: / /")."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : end if end != -1 else len(text)]
    return "http" in line or "www." in line


def _sentence_fixes(text: str) -> list[GlueFix]:
    fixes: list[GlueFix] = []
    for match in _DOT_CAPITAL.finditer(text):
        dot = match.start()
        before = text[max(0, dot - 3) : dot]
        lower_word = before[-2:].isalpha() and before[-2:].islower()
        dotted = len(before) == 3 and before[1] == "." and before[0::2].isalpha()
        if not (lower_word or dotted):
            continue
        left = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot)) + 1
        ends = [i for i in (text.find(" ", dot), text.find("\n", dot)) if i != -1]
        chunk = text[left : min(ends) if ends else len(text)]
        word = re.match(r"[A-Za-z]+", text[dot + 1 : dot + 40])
        if _CHUNK_BAD.search(chunk) or (word is not None and word.group() in _DOMAINS):
            continue
        fixes.append(GlueFix(dot, dot + 2, f"{text[dot]} {text[dot + 1]}"))
    return fixes


def _number_fixes(text: str, glued: set[str]) -> list[GlueFix]:
    fixes: list[GlueFix] = []
    for match in _FRACTION.finditer(text):
        numerator = _NUMERATOR.search(text, max(0, match.start() - 2), match.start())
        den, unit = match.group("den", "unit")
        if numerator and int(numerator.group(1)) < int(den):
            joiner = " " if unit.endswith("s") else "-"
            after = f"{numerator.group(1)}/{den}{joiner}{unit}"
            fixes.append(GlueFix(numerator.start(), match.end(), after))
    for token in glued:
        for match in re.finditer(rf"(?<![\w/.,]){token}\b", text):
            digits = match.start() + len(token.rstrip(string.ascii_lowercase))
            fixes.append(GlueFix(digits, digits, "-"))
    return fixes
