"""What clustering looks at in one article: pure functions of Article + Enrichment.

:func:`article_features` reduces an article and its enrichment to :class:`Features`:

* ``terms``: content-word counts (lower-cased, stop words dropped, a light plural fold),
  title words counted :data:`TITLE_BOOST` extra times -- TF-IDF is applied later, online;
* ``entities``: canonical entity keys (``person:john kerry``) weighted by mention count,
  mentions in the title and lead counted :data:`LEAD_BOOST` extra times;
* ``day``: the publication day (proleptic ordinal) when known, ``None`` otherwise;
* ``event_days``: days the article's time expressions name (``DATE`` values of day
  precision), the reported happening's clock as opposed to the publication clock;
* ``years``: years its dates name (from year, month and day values);
* ``places``: geocoded places as ``country:US`` / ``city:US:aleppo`` keys;
* ``lead_terms``: the content-word counts of the title and lead alone (what happened, as
  the article first tells it);
* ``numbers``: counts of the digit tokens of the text (``300,000``, ``5.6``, ``2016``):
  the figures, scores, ages and dates one happening's reports share;
* ``figures``: the figures the enrichment found, as (kind, value) pairs, the kind being
  the unit or else what is counted (``("people", 10.0)``, ``("killed", 5.0)``).

Consolidation compares articles on ``lead_terms`` and ``numbers`` as well
(:mod:`.consolidate`), and the event pair model on all of them (:mod:`.pair_model`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from storyline.models import Article, Enrichment
from storyline.stopwords import stop_words

TITLE_BOOST = 2  # extra counts of each title word (the title is also the text's first line)
LEAD_BOOST = 1  # extra counts of each entity mention in the title and lead
LEAD_CHARS = 400  # the lead: this many first characters of the cleaned text

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]{2}", re.UNICODE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"^(\d{4})(?:-\d{2})?(?:-\d{2})?$|^(\d{4})-W\d{2}$")


@dataclass(frozen=True)
class Features:
    """One article as clustering sees it (see the module docstring)."""

    article_id: str
    title: str = ""
    source: str | None = None
    day: int | None = None
    terms: Mapping[str, int] = field(default_factory=dict)
    entities: Mapping[str, float] = field(default_factory=dict)
    event_days: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    places: tuple[str, ...] = ()
    duplicate_of: str | None = None
    lead_terms: Mapping[str, int] = field(default_factory=dict)
    numbers: Mapping[str, int] = field(default_factory=dict)
    figures: tuple[tuple[str, float], ...] = ()


def _fold(word: str) -> str:
    """A light plural fold: ``rebels`` -> ``rebel``, ``policies`` -> ``policy``."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=100_000)
def _content_word(word: str) -> str | None:
    """The folded content word of a lower-cased token, ``None`` for stop and short words."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 3 or word in stop_words():
        return None
    return _fold(word)


def tokenize(text: str) -> list[str]:
    """Content words of ``text``: lower-cased, folded, stop words and short words dropped."""
    found = map(_content_word, _WORD.findall(text.lower()))
    return [word for word in found if word is not None]


def parse_day(value: str | None) -> int | None:
    """The proleptic ordinal of an ISO date or datetime's day; ``None`` when there is none."""
    if not value:
        return None
    match = _DAY.match(value)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).toordinal()
    except ValueError:
        return None


def _year(value: str) -> int | None:
    match = _YEAR.match(value)
    if match is None:
        return None
    return int(match[1] or match[2])


def term_counts(title: str, text: str) -> dict[str, int]:
    """Content-word counts of ``text`` plus :data:`TITLE_BOOST` counts of each title word."""
    counts = Counter(tokenize(text))
    for word in tokenize(title):
        counts[word] += TITLE_BOOST
    return dict(counts)


def article_features(article: Article, enrichment: Enrichment | None) -> Features:
    """Reduce ``article`` and its enrichment (``None``: words only) to clustering features."""
    title = article.title or ""
    lead_end = max(LEAD_CHARS, len(title))
    entities: Counter[str] = Counter()
    event_days: set[int] = set()
    years: set[int] = set()
    places: dict[str, None] = {}
    figures: dict[tuple[str, float], None] = {}
    if enrichment is not None:
        for figure in enrichment.figures:
            kind = (figure.unit or figure.counts).lower()
            if kind:
                figures[(kind, float(figure.value))] = None
        for mention in enrichment.mentions:
            if mention.entity:
                boost = LEAD_BOOST if mention.start < lead_end else 0
                entities[mention.entity] += 1 + boost
        for expr in enrichment.times:
            if expr.type not in ("DATE", "TIME") or not expr.value:
                continue
            day = parse_day(expr.value)
            if day is not None:
                event_days.add(day)
            year = _year(expr.value[:10]) if day is None else int(expr.value[:4])
            if year is not None and 1000 <= year <= 2999:
                years.add(year)
        for place in enrichment.places:
            if place.country:
                places[f"country:{place.country}"] = None
            if place.kind != "country" and place.name:
                places[f"{place.kind}:{place.country}:{place.name.lower()}"] = None
    return Features(
        article_id=article.id,
        title=title,
        source=article.source,
        day=parse_day(article.published),
        terms=term_counts(title, article.text),
        entities=dict(entities),
        event_days=tuple(sorted(event_days)),
        years=tuple(sorted(years)),
        places=tuple(places),
        duplicate_of=article.duplicate_of,
        lead_terms=term_counts(title, article.text[:lead_end]),
        numbers=dict(Counter(_NUMBER.findall(article.text))),
        figures=tuple(figures),
    )
