"""Figures: numbers with what they count, their unit and qualifier, values normalised.

Rules on the text, plus the part-of-speech tags of the article's spaCy ``Doc`` when
one is given (without it, tags are guessed from word shapes). Conventions:

* the span runs from the qualifier (or currency sign) to the unit or counted noun:
  "more than 300,000 people"; ``text == article_text[start:end]``;
* ``value`` is normalised: "2.3 million" -> 2300000, "5 1/2" -> 5.5, "$4.5 billion" ->
  4.5e9 with unit "USD", "12%" and "12 percent" -> 12 with unit "%";
* ``unit`` is a canonical singular measure ("kilometer", "year", "hour"), a currency
  code ("USD"), "%", or the counted noun as written in lower case ("people",
  "civilians"); a bare population ("a city of 2.3 million") gets unit "people", any
  other bare number unit "";
* vague amounts keep their words as ``qualifier`` and the order of magnitude as
  ``value``: "hundreds of civilians" -> 100, "thousands" -> 1000, "millions" -> 1e6,
  "dozens" -> 12, "tens of thousands" -> 10000, "hundreds of thousands" -> 100000;
* ``counts`` says what is counted or what happened: the verb after the counted noun
  ("250,000 civilians are trapped" -> "trapped"), else the noun a measure modifies
  ("5 1/2-year war" -> "war", "four hours of talks" -> "talks"), else the verb before
  the figure ("has killed more than 300,000 people" -> "killed");
* a conversion in parentheses ("60 kilometers (35 miles)") is a figure of its own;
* not figures: dates ("September 18", "March 2011", "1/26/11"), bare years ("in 2016"),
  times ("10:30", "3 p.m."), ordinals ("18th"), decades ("1990s"), phone numbers,
  ranges and scores ("3-1"), numbers inside names ("G20", "F-16", "Resolution 2254"),
  and bare numbers with nothing to say (no unit, counted noun, qualifier or verb).

Own rules rather than ``quantulum3``: on 50 Timeline17 articles quantulum3 ran at about
1,200 words/s (the enrichment budget is ~6,500 words/s for everything), reported
years and day numbers as quantities, mis-parsed "$4.5 billion" and had no notion of
what is counted.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.models import Figure

if TYPE_CHECKING:
    from spacy.tokens import Doc

# --- word tables -----------------------------------------------------------------------

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|"
    "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "half": 0.5, "dozen": 12,
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mln": 1e6, "mn": 1e6, "bln": 1e9, "bn": 1e9, "tn": 1e12, "trn": 1e12,
    "m": 1e6, "b": 1e9, "k": 1e3,  # only after a currency sign
}  # fmt: skip
_CURRENCY_ONLY_SCALES = frozenset({"m", "b", "k"})
_VAGUE = {
    "dozens": 12, "scores": 20, "tens of thousands": 1e4, "hundreds": 1e2,
    "hundreds of thousands": 1e5, "thousands": 1e3, "tens of millions": 1e7,
    "hundreds of millions": 1e8, "millions": 1e6, "billions": 1e9,
}  # fmt: skip
_SIGNS = {
    "$": "USD", "US$": "USD", "$US": "USD", "C$": "CAD", "A$": "AUD", "HK$": "HKD",
    "€": "EUR", "£": "GBP", "¥": "JPY",
}  # fmt: skip
_UNITS = {
    # measures: canonical singular names
    "percent": "%", "per cent": "%", "pct": "%", "%": "%",
    "percentage points": "percentage point", "percentage point": "percentage point",
    "seconds": "second", "second": "second", "minutes": "minute", "minute": "minute",
    "mins": "minute", "hours": "hour", "hour": "hour", "hrs": "hour", "days": "day",
    "day": "day", "weeks": "week", "week": "week", "months": "month", "month": "month",
    "years": "year", "year": "year", "yrs": "year", "decades": "decade", "decade": "decade",
    "centuries": "century", "century": "century",
    "kilometers": "kilometer", "kilometer": "kilometer", "kilometres": "kilometer",
    "kilometre": "kilometer", "km": "kilometer", "miles": "mile", "mile": "mile",
    "meters": "meter", "meter": "meter", "metres": "meter", "metre": "meter",
    "centimeters": "centimeter", "centimetres": "centimeter", "cm": "centimeter",
    "millimeters": "millimeter", "millimetres": "millimeter", "mm": "millimeter",
    "feet": "foot", "foot": "foot", "ft": "foot", "inches": "inch", "inch": "inch",
    "yards": "yard", "square kilometers": "square kilometer",
    "square kilometres": "square kilometer", "sq km": "square kilometer",
    "square miles": "square mile", "hectares": "hectare", "acres": "acre",
    "kilograms": "kilogram", "kilogram": "kilogram", "kilos": "kilogram", "kg": "kilogram",
    "grams": "gram", "tons": "ton", "ton": "ton", "tonnes": "ton", "tonne": "ton",
    "pounds": "pound", "lbs": "pound", "liters": "liter", "litres": "liter",
    "gallons": "gallon", "barrels": "barrel", "cubic meters": "cubic meter",
    "mph": "mile per hour", "km/h": "kilometer per hour", "kph": "kilometer per hour",
    "knots": "knot", "degrees": "degree", "megawatts": "megawatt", "MW": "megawatt",
    "gigawatts": "gigawatt", "GW": "gigawatt",
    # currencies after the number
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rubles": "RUB", "roubles": "RUB", "rupees": "INR",
    "Swiss francs": "CHF", "shekels": "ILS", "riyals": "SAR", "pounds sterling": "GBP",
}  # fmt: skip
_QUALIFIERS = (
    "more than|less than|fewer than|at least|at most|up to|as many as|as much as|"
    "as few as|as little as|close to|just over|just under|well over|nearly|almost|about|"
    "around|approximately|roughly|some|over|under|upwards of|an estimated|estimated|"
    "a further|another|only|just|exactly|over|some"
)
_AUX = frozenset(
    "is are was were be been being am has have had having do does did will would can "
    "could may might shall should must reportedly already now still also all reported "
    "believed thought feared said estimated to".split()
)
_NOT_COUNTS = frozenset(
    "including include includes included say says said told according is are was were "
    "be been has have had do did make made take took give gave see saw".split()
)
_NOT_MEASURED = frozenset(
    "last next this that each every per a an today yesterday tomorrow ago earlier later "
    "morning afternoon evening night".split()
) | frozenset(u for u in _UNITS if u.isalpha())
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_SKIP_BEFORE_NOUN = frozenset({"JJ", "JJR", "JJS", "NN", "NNP", "NNPS", "HYPH", "VBN"})
_IRREGULAR_PLURALS = frozenset("people children men women police troops personnel staff".split())
_PAST_IRREGULAR = frozenset(
    "fled died left hit lost won held made fell rose sent paid spent put cut shot "
    "killed hurt built bought sold brought caught taken given seen".split()
)
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for from by with and or but as is was has its his this "
    "thus plus us yes less unless across news series".split()
)
_NAME_NUMBER_OK = frozenset(_QUALIFIERS.title().split("|")) | {"The", "A", "An", "In", "Of"}

# --- patterns ----------------------------------------------------------------------------


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NOT_FIGURES = re.compile(
    rf"""
    \b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:\s*,?\s*\d{{4}}\b)?
    | \b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:\s*,?\s*\d{{4}}\b)?
    | \b(?:{_MONTHS})\.?\s*,?\s*\d{{4}}\b
    | \b\d{{1,4}}\\?/\d{{1,2}}\\?/\d{{2,4}}\b
    | \b\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}\b
    | (?<!\d\s)\b\d+\s?/\s?\d+\b
    | \b\d+(?:\s?[-–]\s?\d+)+\b
    | (?:\+\d{{1,3}}\s?)?\(\d{{2,4}}\)\s?\d{{3,4}}[\s.-]?\d{{3,4}}\b
    | \b\d{{3}}[\s.]\d{{3,4}}[\s.]\d{{4}}\b
    | \b\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\b\.?)
    | \b\d{{1,2}}:\d{{2}}\b
    | \b\d{{1,2}}\s*(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b|o'clock)
    | \b\d{{3,4}}\s*(?:GMT|UTC|EST|EDT|ET|PST|PDT|BST|CET|local\ time)\b
    | \b\d+(?:st|nd|rd|th)\b
    | \b\d{{2,4}}'?s\b | '\d0s\b
    | \b(?:No|no|Nos|Number|number)\.?\s?\d+
    """,
    re.VERBOSE,
)
_WORD_NUMBER = rf"(?:{_alternation([w for w in _SMALL if w not in ('a', 'half')])})"
_CANDIDATE = re.compile(
    rf"""
    (?<![\w.,/$€£¥'-])
    (?:(?P<sign>{_alternation(list(_SIGNS))})\s?)?
    (?:
        (?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)
        (?:\s+(?P<fnum>\d)\s?/\s?(?P<fden>\d{{1,2}})(?![\d/])|(?P<uni>[½¼¾]))?
      | (?P<words>(?i:
            (?:a|half\ a)(?=\s+(?:dozen|hundred|thousand|million|billion|trillion)\b)
            (?:\s+dozen)?
          | {_WORD_NUMBER}(?:-{_WORD_NUMBER}|\s+(?=dozen){_WORD_NUMBER})?
        )\b)
      | (?P<vague>(?i:{_alternation(list(_VAGUE))})\b(?:\s+of\b)?)
    )
    (?P<scale>(?:\s?-?\s?(?i:{_alternation(list(_SCALES))})\b)+)?
    """,
    re.VERBOSE,
)
_UNIT = re.compile(rf"(?:\s?-?\s?)(?P<unit>{_alternation(list(_UNITS))})(?![\w$])(?P<old>-old)?")
_QUALIFIER = re.compile(rf"\b(?P<q>(?i:{_QUALIFIERS}))\s+$")
_POPULATION = re.compile(
    r"\b(?:city|town|country|nation|population|region|province|state|capital) of\s+$", re.I
)
_NAME_BEFORE = re.compile(r"(?<!\w)(?P<word>[A-Z][\w.&-]*)\s+$")
_WORD_BEFORE = re.compile(r"(?<!\w)(?P<word>\w+)\.?\s+$")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”\n(])\s*$")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_MONTH_WORDS = frozenset(m.lower() for m in _MONTHS.split("|"))
_GLUED = re.compile(r"-?[^\W\d_]")
_LABEL_NOUNS = frozenset(
    "phase stage level category grade round page chapter section article room gate "
    "terminal line route channel platform version season episode part item flight "
    "number no week day".split()
)
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_WINDOW = 60


# --- tokens around a figure --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    tag: str  # Penn Treebank tag, real (from the Doc) or guessed from the word's shape
    start: int
    end: int


class _Tokens:
    """Tagged tokens near a character offset, from the Doc or guessed from the text."""

    def __init__(self, text: str, doc: Doc | None) -> None:
        self.text = text
        self.doc = doc
        self.starts: list[int] | None = None

    def after(self, pos: int, count: int = 6) -> list[_Tok]:
        if self.doc is None:
            return _guess(self.text, pos, pos + _WINDOW)[:count]
        i = bisect.bisect_left(self._starts(), pos)
        return [self._tok(j) for j in range(i, min(i + count, len(self.doc)))]

    def before(self, pos: int, count: int = 4) -> list[_Tok]:
        """Tokens ending at or before ``pos``, nearest first."""
        if self.doc is None:
            return _guess(self.text, max(0, pos - _WINDOW), pos)[::-1][:count]
        i = bisect.bisect_left(self._starts(), pos)
        return [self._tok(j) for j in range(i - 1, max(-1, i - 1 - count), -1)]

    def _starts(self) -> list[int]:
        if self.starts is None:
            assert self.doc is not None
            self.starts = [t.idx for t in self.doc]
        return self.starts

    def _tok(self, i: int) -> _Tok:
        assert self.doc is not None
        token = self.doc[i]
        return _Tok(token.text, token.tag_, token.idx, token.idx + len(token.text))


def _guess(text: str, start: int, end: int) -> list[_Tok]:
    return [
        _Tok(m.group(), _guess_tag(m.group()), m.start(), m.end())
        for m in _TOKEN.finditer(text, start, end)
    ]


def _guess_tag(word: str) -> str:
    lower = word.lower()
    if not word[0].isalnum():
        return "PUNCT"
    if lower in _AUX:
        return "MD"
    if lower in _FUNCTION_WORDS:
        return "IN"
    if word[0].isupper():
        return "NNP"
    if lower in _PAST_IRREGULAR or lower.endswith("ed"):
        return "VBN"
    if lower.endswith("ing"):
        return "VBG"
    if lower.endswith("ly"):
        return "RB"
    if lower in _IRREGULAR_PLURALS or (lower.endswith("s") and not lower.endswith("ss")):
        return "NNS"
    return "NN"


# --- extraction --------------------------------------------------------------------------


def find_figures(text: str, doc: Doc | None = None) -> tuple[Figure, ...]:
    """Every figure in ``text`` (an article's cleaned text), in order of offset.

    ``doc`` is the article's spaCy ``Doc`` over the same ``text``; its tags sharpen the
    counted noun and the verb; without it they are guessed from word shapes.
    """
    excluded = [(m.start(), m.end()) for m in _NOT_FIGURES.finditer(text)]
    ends = [e for _, e in excluded]
    tokens = _Tokens(text, doc)
    figures: list[Figure] = []
    for match in _CANDIDATE.finditer(text):
        i = bisect.bisect_right(ends, match.start())
        if i < len(excluded) and excluded[i][0] < match.end():
            continue
        figure = _figure(text, match, tokens)
        if figure is not None:
            figures.append(figure)
    return tuple(figures)


def _figure(text: str, match: re.Match[str], tokens: _Tokens) -> Figure | None:
    sign = match.group("sign")
    scale_words = (match.group("scale") or "").replace("-", " ").lower().split()
    if sign is None and any(w in _CURRENCY_ONLY_SCALES for w in scale_words):
        return None
    base = _base_value(match)
    if base is None or _inside_name(text, match):
        return None
    value = base
    for word in scale_words:
        value *= _SCALES[word]
    end = match.end()
    unit = _SIGNS[sign] if sign else ""
    measure = bool(sign)
    unit_match = _UNIT.match(text, end)
    if unit_match and not (sign and _UNITS[unit_match.group("unit")].isupper()):
        unit = _UNITS[unit_match.group("unit")]
        measure, end = True, unit_match.end()
    elif _GLUED.match(text, end):
        return None  # "3D", "737s": part of a word; "five-star", "2,000-strong": an adjective
    if not (measure or scale_words) and _YEAR.fullmatch(match.group("num") or ""):
        return None  # a year
    vague = match.group("vague")
    qualifier, start = _qualifier(text, match.start())
    noun: _Tok | None = None
    if not measure:
        noun = _counted_noun(tokens.after(end), base)
        if noun is not None:
            unit, end = (noun.text if noun.tag == "NNPS" else noun.text.lower()), noun.end
        elif _POPULATION.search(text, max(0, start - 40), start) and value >= 1000:
            unit = "people"
    counts = _counts(tokens, start, end, measure=measure)
    qualifiers = " ".join(q for q in (qualifier, " ".join((vague or "").lower().split())) if q)
    if not (unit or counts or qualifiers or scale_words):
        return None
    return Figure(start, end, text[start:end], value, unit, qualifiers, counts)


def _base_value(match: re.Match[str]) -> float | None:
    raw = match.group("num")
    if raw is not None:
        value = float(raw.replace(",", ""))
        if match.group("fnum"):
            denominator = int(match.group("fden"))
            if denominator == 0:
                return None
            value += int(match.group("fnum")) / denominator
        elif match.group("uni"):
            value += {"½": 0.5, "¼": 0.25, "¾": 0.75}[match.group("uni")]
        return value
    vague = match.group("vague")
    if vague is not None and vague.lower() in ("scores", "tens"):
        return None  # "her scores were good": only "scores of ..." is an amount
    if vague is not None:
        return _VAGUE[" ".join(vague.lower().split()).removesuffix(" of")]
    words = re.split(r"[\s-]+", match.group("words").lower())
    if words[0] == "one" and not match.group("scale"):
        return None  # "one of", "no one": too rarely a count to be worth the noise
    if words[:2] == ["half", "a"]:
        return 0.5
    value = 0.0
    for word in words:
        number = _SMALL[word]
        value = value * number if word == "dozen" else value + number
    return value


def _inside_name(text: str, match: re.Match[str]) -> bool:
    """A number that is part of a name: "Resolution 2254", "Boeing 737", "Formula One"."""
    start = match.start()
    if match.group("sign"):
        return False
    if match.group("words") and text[start].isupper() and not _at_sentence_start(text, start):
        return True
    label = _WORD_BEFORE.search(text, max(0, start - 20), start)
    if label is not None and label.group("word").lower() in _LABEL_NOUNS:
        return True  # "phase six", "page 3", "week 2"
    name = _NAME_BEFORE.search(text, max(0, start - 30), start)
    if name is None or name.group("word") in _NAME_NUMBER_OK:
        return False
    return not _at_sentence_start(text, name.start())


def _at_sentence_start(text: str, pos: int) -> bool:
    return _SENTENCE_END.search(text, max(0, pos - 4), pos) is not None


def _qualifier(text: str, pos: int) -> tuple[str, int]:
    found = _QUALIFIER.search(text, max(0, pos - 30), pos)
    if found is None:
        return "", pos
    return found.group("q").lower(), found.start("q")


def _counted_noun(after: list[_Tok], value: float) -> _Tok | None:
    """The plural noun a bare number counts: "300,000 people", "two former Cold War rivals"."""
    for i, tok in enumerate(after[:4]):
        lower = tok.text.lower()
        if tok.tag in ("NNS", "NNPS") or lower in _IRREGULAR_PLURALS:
            if not tok.text.isalpha() or lower in _FUNCTION_WORDS:
                return None
            nxt = after[i + 1] if i + 1 < len(after) else None
            return nxt if nxt is not None and nxt.tag == "NNS" and nxt.text.isalpha() else tok
        if value == 1 and tok.tag == "NN" and tok.text.isalpha():
            return tok
        if tok.tag not in _SKIP_BEFORE_NOUN or lower in _MONTH_WORDS:
            return None
    return None


def _counts(tokens: _Tokens, start: int, end: int, *, measure: bool) -> str:
    """What is counted or what happened: verb after, measured noun, or verb before."""
    after = tokens.after(end)
    verb = _verb_after(after)
    noun = _noun_after(after) if measure else ""
    if measure and noun:
        return noun
    if verb:
        return verb
    for tok in tokens.before(start):
        lower = tok.text.lower()
        if tok.tag.startswith("VB") and lower not in _NOT_COUNTS and _is_word(tok.text):
            return lower
        if tok.tag not in ("RB", "TO", "IN") or lower in ("of", "with", "for", "and"):
            return ""
    return ""


def _verb_after(after: list[_Tok]) -> str:
    """ "are trapped", "have been killed", "died": the verb after a counted noun."""
    for tok in after:
        lower = tok.text.lower()
        if lower in _AUX or tok.tag in ("RB", "MD"):
            continue
        if tok.tag in ("VBN", "VBD", "VBP", "VBZ") and lower not in _NOT_COUNTS:
            return lower if _is_word(tok.text) else ""
        return ""
    return ""


def _compound_end(tokens: list[_Tok]) -> _Tok:
    """The last noun of a noun compound: "iron rule" -> "rule", "taxi driver" -> "driver"."""
    last = tokens[0]
    for tok in tokens[1:3]:
        if tok.tag not in ("NN", "NNS") or not tok.text.isalpha():
            break
        last = tok
    return last


def _is_word(text: str) -> bool:
    return len(text) > 2 and text.isalpha()


def _noun_after(after: list[_Tok]) -> str:
    """ "5 1/2-year war" -> "war"; "four hours of talks" -> "talks"."""
    rest = after[1:] if after and after[0].text.lower() in ("of", "in", "for") else after
    if len(rest) < len(after) and rest and rest[0].tag in ("DT", "PRP$"):
        rest = rest[1:]
    for tok in rest[:3]:
        if tok.text.lower() in _NOT_MEASURED:
            return ""
        if tok.tag in _NOUN_TAGS and tok.text.isalpha() and tok.text.lower() not in _MONTH_WORDS:
            if tok.tag in ("NN", "NNS"):
                return _compound_end(rest[rest.index(tok) :]).text.lower()
            continue
        if tok.tag not in ("JJ", "HYPH"):
            return ""
    return ""
