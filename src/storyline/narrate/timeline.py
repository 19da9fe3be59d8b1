"""Dated, cited timelines: what happened when, told by sentences of the articles.

A date-wise method after Gholipour Ghalandari & Ifrim (2020, "DATEWISE"):

1. **Date every sentence by when its event happened.** Sentences are split with
   :func:`storyline.narrate.citations.sentence_spans`; a sentence takes the normalised
   values of the time expressions inside it (``Enrichment.times``: "2016-09-05",
   "2016-W36", "2016-09"; expressions with a ``BEFORE``/``AFTER``-like mod, durations and
   sets are not dates of events). A sentence with no time expression at all, among the
   first sentences of its article (the lead, where news reports what just happened),
   falls back to the article's publication day and the day before (:data:`PUB_DAYS`:
   news often reports yesterday's events), with a lower weight.
2. **Rank dates by how many articles point at them**: an article adds to each date its
   strongest support -- 1 for a sentence naming the date, :data:`RETROSPECTIVE` when the
   article was published after that date (later articles looking back on a day mark it
   as one that mattered), :data:`FALLBACK_WEIGHT` for undated lead sentences. Syndicated
   copies (``duplicate_of``) count once. A sentence's support is scaled by its relevance
   to the collection's topic (:func:`_weigh_relevance`), so that pages mentioning the
   subject in passing do not bring their own dates.
3. **Summarise each top date** with the sentences dated to it: greedily add the sentence
   that brings the summary's TF-IDF vector closest to the centroid of all of the date's
   sentences (explicitly dated sentences weigh 1, fallbacks :data:`FALLBACK_WEIGHT`),
   skipping a sentence too similar (:data:`REDUNDANCY`) to one already in the timeline.

Query keywords select the articles that mention them (see :func:`_relevant`).

Pure: articles and enrichments in, a :class:`Timeline` out.
"""

from __future__ import annotations

import math
import re
import statistics
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from storyline.errors import InputError
from storyline.models import Article, Enrichment, TimeExpr
from storyline.narrate.citations import Citation, sentence_spans

__all__ = [
    "FALLBACK_WEIGHT",
    "CitedSentence",
    "Timeline",
    "TimelineEntry",
    "TimelineOptions",
    "build_timeline",
]

FALLBACK_WEIGHT = 0.5  # weight of a publication date standing in for a missing date
REDUNDANCY = 0.5  # cosine above which a sentence repeats one already in the timeline
KEYWORD_SHARE = 0.1  # a query keyword counts when this share of the articles has it
PUB_DAYS = 2  # an undated lead sentence may report its publication day or the day before
RETROSPECTIVE = 2.0  # weight of a date named by an article published after it
_LEAD = 5  # undated sentences past the first few of an article are background
_MIN_WORDS = 5
_MAX_WORDS = 80
_STAMP_CHARS = 40  # a clock time this close to the start stamps the sentence
_CLOCK = re.compile(r"T\d{2}:\d{2}")  # a TimeML value with a clock time
GRANULARITIES = ("day", "week", "month", "year")
_NOT_AT = frozenset({"BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN"})
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_TOKEN = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@dataclass(frozen=True)
class TimelineOptions:
    """What timeline to build.

    ``start``/``end`` bound the event dates (ISO dates, inclusive; a week or month is kept
    when it overlaps). ``max_dates`` of ``None`` keeps every date with a sentence.
    ``granularities`` names the kinds of dates allowed as entries.
    """

    start: str | None = None
    end: str | None = None
    max_dates: int | None = None
    sentences_per_date: int = 1
    keywords: tuple[str, ...] = ()
    granularities: frozenset[str] = field(default_factory=lambda: frozenset({"day", "month"}))

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and _DAY.match(value) is None:
                raise InputError(
                    f"timeline {name} must be an ISO date such as 2016-09-05, got {value!r}"
                )
        if self.max_dates is not None and self.max_dates < 1:
            raise InputError(
                f"timeline max_dates must be at least 1 (or None), got {self.max_dates!r}"
            )
        if self.sentences_per_date < 1:
            raise InputError(
                f"timeline sentences_per_date must be at least 1, got {self.sentences_per_date!r}"
            )
        unknown = set(self.granularities) - set(GRANULARITIES)
        if unknown or not self.granularities:
            raise InputError(
                f"timeline granularities must be a non-empty subset of {', '.join(GRANULARITIES)}, "
                f"got {sorted(self.granularities)!r}"
            )


@dataclass(frozen=True)
class CitedSentence:
    """A sentence of an article with its citation; ``text == article.text[start:end]``.

    ``published`` is the article's publication date, shown beside the entry's date when
    they differ; ``dated_by`` says whether a time expression in the sentence ("expression")
    or the publication date ("published") dated it.
    """

    text: str
    article_id: str
    source: str | None
    start: int
    end: int
    published: str | None
    dated_by: str = "expression"

    @property
    def citation(self) -> Citation:
        return Citation(self.article_id, self.source, self.start, self.end)


@dataclass(frozen=True)
class TimelineEntry:
    """One date (TimeML value: "2016-09-05", "2016-W36", "2016-09") and what happened."""

    date: str
    sentences: tuple[CitedSentence, ...]
    score: float = 0.0


@dataclass(frozen=True)
class Timeline:
    """Entries in chronological order."""

    entries: tuple[TimelineEntry, ...] = ()


@dataclass(frozen=True)
class _Period:
    value: str
    granularity: str
    first: date
    last: date


@dataclass
class _Sentence:
    article: Article
    start: int
    end: int
    tokens: list[str]
    dates: tuple[_Period, ...]
    fallback: bool
    vector: dict[str, float] = field(default_factory=dict)
    relevance: float = 1.0

    def cited(self) -> CitedSentence:
        return CitedSentence(
            text=self.article.text[self.start : self.end],
            article_id=self.article.id,
            source=self.article.source,
            start=self.start,
            end=self.end,
            published=self.article.published,
            dated_by="published" if self.fallback else "expression",
        )


def _period(value: str) -> _Period | None:
    """The calendar period a TimeML value names (days, ISO weeks, months, years)."""
    try:
        if m := _DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return _Period(day.isoformat(), "day", day, day)
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return _Period(value, "week", monday, monday + timedelta(days=6))
        if m := _MONTH.match(value):
            first = date(int(m[1]), int(m[2]), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return _Period(value, "month", first, following - timedelta(days=1))
        if m := _YEAR.match(value):
            year = int(m[1])
            return _Period(value, "year", date(year, 1, 1), date(year, 12, 31))
    except ValueError:
        return None  # a value such as "2016-02-30" names no day
    return None


def _reported(published: _Period) -> tuple[_Period, ...]:
    """Days an undated lead sentence may report: its publication day and the days before."""
    days = [published.first - timedelta(days=n) for n in range(PUB_DAYS)]
    return tuple(_Period(d.isoformat(), "day", d, d) for d in days)


def _is_event_time(time: TimeExpr) -> bool:
    return time.type in {"DATE", "TIME"} and time.mod not in _NOT_AT


class _Window:
    def __init__(self, options: TimelineOptions) -> None:
        self.first = date.fromisoformat(options.start[:10]) if options.start else date.min
        self.last = date.fromisoformat(options.end[:10]) if options.end else date.max
        self.granularities = options.granularities

    def admits(self, period: _Period) -> bool:
        return (
            period.granularity in self.granularities
            and period.first <= self.last
            and period.last >= self.first
        )


def _is_boilerplate(text: str, start: int, times: Sequence[TimeExpr]) -> bool:
    """Whether a sentence is page furniture rather than reporting.

    A pipe separates navigation items and comment metadata ("... at 5:12 pm | Reply"),
    never words of a news sentence. A clock time at the very start of a sentence stamps
    a live-blog update or a reader comment ("(Update 8:14 a.m. Tuesday) ..."): it dates
    the posting, resolved against the page's first publication, not the event.
    """
    if "|" in text:
        return True
    return any(
        time.start - start < _STAMP_CHARS and time.value and _CLOCK.search(time.value)
        for time in times
    )


def _sentences(article: Article, times: Sequence[TimeExpr], window: _Window) -> list[_Sentence]:
    spans = sentence_spans(article.text)
    starts = [s for s, _ in spans]
    dated: dict[int, list[TimeExpr]] = defaultdict(list)
    for time in times:
        index = bisect_right(starts, time.start) - 1
        if index >= 0 and time.start < spans[index][1]:
            dated[index].append(time)
    published = _period(article.published[:10]) if article.published else None
    result: list[_Sentence] = []
    for index, (start, end) in enumerate(spans):
        tokens = _TOKEN.findall(article.text[start:end].lower())
        if not _MIN_WORDS <= len(tokens) <= _MAX_WORDS:
            continue
        if _is_boilerplate(article.text[start:end], start, dated.get(index, ())):
            continue
        events = [t for t in dated.get(index, ()) if _is_event_time(t)]
        periods = {p.value: p for t in events if t.value and (p := _period(t.value))}
        admitted = tuple(p for p in periods.values() if window.admits(p))
        fallback = False
        undated = not any(t.type in {"DATE", "TIME"} for t in dated.get(index, ()))
        if undated and index < _LEAD and published is not None:
            admitted = tuple(p for p in _reported(published) if window.admits(p))
            fallback = True
        result.append(_Sentence(article, start, end, tokens, admitted, fallback))
    return result


def _vectorise(sentences: Sequence[_Sentence]) -> None:
    """Unit TF-IDF vectors; idf = ln(N / df), so words found everywhere weigh nothing."""
    df: Counter[str] = Counter()
    for sentence in sentences:
        df.update(set(sentence.tokens))
    total = len(sentences)
    for sentence in sentences:
        weights = {
            token: count * math.log(total / df[token])
            for token, count in Counter(sentence.tokens).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        sentence.vector = {t: w / norm for t, w in weights.items() if w > 0} if norm else {}


def _weigh_relevance(sentences: Sequence[_Sentence]) -> None:
    """Relevance to the collection's topic: similarity to the sum of all other sentences,
    relative to the median sentence and capped at 1.

    Collections gathered by a query hold pages that name the subject in passing (a radio
    schedule, a sports round-up): their sentences share little with what most of the
    collection says, and the dates they name should not outweigh the story's own.
    """
    topic: dict[str, float] = defaultdict(float)
    for sentence in sentences:
        for token, value in sentence.vector.items():
            topic[token] += value
    # leave the sentence itself out: what matters is how much the others say the same
    similarities = [_dot(sentence.vector, topic) - _unit(sentence) for sentence in sentences]
    positive = [s for s in similarities if s > 0]
    if not positive:
        return
    middle = statistics.median(positive)
    for sentence, similarity in zip(sentences, similarities, strict=True):
        sentence.relevance = min(1.0, similarity / middle)


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of sparse vectors (the cosine when both have unit length)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _unit(sentence: _Sentence) -> float:
    """Squared norm of a sentence vector: 1, or 0 when it has no weighted word."""
    return 1.0 if sentence.vector else 0.0


def _keyword_words(keywords: Sequence[str]) -> set[str]:
    words: set[str] = set()
    for keyword in keywords:
        for part in keyword.split():
            words.update(w.lower() for w in _CAMEL.findall(part))
            words.add(part.lower())
    return {w for w in words if len(w) > 1}


def _relevant(articles: Sequence[Article], keywords: Sequence[str]) -> list[Article]:
    """Articles that mention a query keyword (word prefix, case-insensitive).

    A keyword that fewer than ``KEYWORD_SHARE`` of the articles mention is ignored: such
    a keyword names a side topic of the collection, not its subject, and keeping it would
    reduce the timeline to a handful of articles.
    """
    words = _keyword_words(keywords)
    if not words or not articles:
        return list(articles)
    matches: dict[str, set[str]] = {}
    for article in articles:
        tokens = set(_TOKEN.findall(article.text.lower()))
        matches[article.id] = {w for w in words if any(t.startswith(w) for t in tokens)}
    counts = Counter(w for found in matches.values() for w in found)
    active = {w for w, n in counts.items() if n >= KEYWORD_SHARE * len(articles)}
    if not active:
        return list(articles)
    return [a for a in articles if matches[a.id] & active]


def _rank_dates(sentences: Sequence[_Sentence]) -> list[tuple[_Period, float]]:
    """Dates by the articles pointing at them: each adds its strongest support for a date."""
    support: dict[tuple[str, str], float] = {}
    periods: dict[str, _Period] = {}
    for sentence in sentences:
        published = (sentence.article.published or "9999")[:10]
        for period in sentence.dates:
            if sentence.fallback:
                weight = FALLBACK_WEIGHT
            else:
                weight = RETROSPECTIVE if period.last.isoformat() < published else 1.0
            weight *= sentence.relevance
            key = (sentence.article.id, period.value)
            support[key] = max(support.get(key, 0.0), weight)
            periods[period.value] = period
    scores: dict[str, float] = defaultdict(float)
    for (_, value), weight in support.items():
        scores[value] += weight
    ranked = sorted(scores.items(), key=lambda item: (-item[1], periods[item[0]].first))
    return [(periods[value], score) for value, score in ranked]


def _centroid(sentences: Sequence[_Sentence]) -> dict[str, float]:
    """Unit-length weighted sum of sentence vectors (fallbacks weigh less)."""
    total: dict[str, float] = defaultdict(float)
    for sentence in sentences:
        weight = FALLBACK_WEIGHT if sentence.fallback else 1.0
        for token, value in sentence.vector.items():
            total[token] += weight * value
    norm = math.sqrt(sum(v * v for v in total.values()))
    return {t: v / norm for t, v in total.items()} if norm else {}


def _summarise(
    candidates: Sequence[_Sentence],
    k: int,
    chosen: Sequence[_Sentence],
) -> list[_Sentence]:
    """Greedy summary whose vector is closest to the centroid of ``candidates``."""
    centroid = _centroid(candidates)
    summary: dict[str, float] = {}
    summary_dot = 0.0  # summary . centroid
    summary_norm2 = 0.0  # |summary|^2
    selected: list[_Sentence] = []
    remaining = list(candidates)
    while remaining and len(selected) < k:
        best, best_score = None, 0.0
        for sentence in remaining:
            dot = summary_dot + _dot(sentence.vector, centroid)
            norm2 = summary_norm2 + 2 * _dot(sentence.vector, summary) + _unit(sentence)
            score = dot / math.sqrt(norm2) if norm2 > 0 else 0.0
            if score > best_score:
                best, best_score = sentence, score
        if best is None:
            break
        remaining.remove(best)
        if any(
            (other.article.id, other.start) != (best.article.id, best.start)
            and _dot(best.vector, other.vector) > REDUNDANCY
            for other in [*chosen, *selected]
        ):
            continue
        selected.append(best)
        summary_dot += _dot(best.vector, centroid)
        summary_norm2 += 2 * _dot(best.vector, summary) + _unit(best)
        for token, value in best.vector.items():
            summary[token] = summary.get(token, 0.0) + value
    return selected


def build_timeline(
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    options: TimelineOptions,
) -> Timeline:
    """The timeline of ``articles``: dates ranked by support, each told by cited sentences.

    ``enrichments`` maps article ids to their enrichment; an article without one has no
    time expressions (its lead sentences can still be dated by its publication date).
    """
    window = _Window(options)
    originals = [a for a in articles if a.duplicate_of is None]
    sentences: list[_Sentence] = []
    for article in _relevant(originals, options.keywords):
        enrichment = enrichments.get(article.id)
        times = sorted(enrichment.times, key=lambda t: t.start) if enrichment else []
        sentences.extend(_sentences(article, times, window))
    _vectorise(sentences)
    _weigh_relevance(sentences)
    by_date: dict[str, list[_Sentence]] = defaultdict(list)
    for sentence in sentences:
        for period in sentence.dates:
            by_date[period.value].append(sentence)
    entries: list[tuple[_Period, TimelineEntry]] = []
    chosen: list[_Sentence] = []
    for period, score in _rank_dates(sentences):
        if options.max_dates is not None and len(entries) >= options.max_dates:
            break
        summary = _summarise(by_date.get(period.value, []), options.sentences_per_date, chosen)
        if summary:
            chosen.extend(summary)
            entry = TimelineEntry(period.value, tuple(s.cited() for s in summary), score)
            entries.append((period, entry))
    entries.sort(key=lambda item: (item[0].first, item[0].last))
    return Timeline(tuple(entry for _, entry in entries))
