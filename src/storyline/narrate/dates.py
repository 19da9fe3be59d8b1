"""Which dates a timeline tells: sentences dated by when their events happened, and the
dates ranked by the evidence that they mattered.

1. **Date every sentence** (:func:`dated_sentences`): a sentence takes the periods its
   time expressions name ("2016-09-05", "2016-W36", "2016-09"; expressions with a
   ``BEFORE``/``AFTER``-like mod, durations and sets are not dates of events). A
   sentence with no time expression at all, among the first sentences of its article
   (the lead, where news reports what just happened), falls back to the article's
   publication day and the day before (:data:`PUB_DAYS`).
2. **Rank the dates** (:func:`rank_dates`) with the date model
   (:mod:`storyline.narrate.date_model`): per candidate date, how many articles name it,
   how many articles published two days or more later name it with a calendar date
   ("on March 19": a later report looking back on a day that mattered), and how many
   articles report it in their undated lead -- each article counted by the relevance
   of its sentence to the collection's topic, and each count on a log scale relative
   to the collection's largest (so the weights carry over between collections of any
   size and length). Syndicated copies are left out before this, so they count once.
3. **Dates outside the collection's span** -- more than :data:`OUTSIDE_DAYS` before its
   first article was published (birthdays and history in a factbox) or after its last
   -- are candidates only when at least :data:`OUTSIDE_SHARE` of the articles name them
   (and at least :data:`OUTSIDE_MIN`): a story's timeline tells the story, not its
   background.

Pure: articles and their time expressions in, dated sentences and ranked dates out.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from storyline.models import Article, TimeExpr
from storyline.narrate.citations import sentence_spans
from storyline.narrate.date_model import DateModel, load_date_model

PUB_DAYS = 2  # an undated lead sentence may report its publication day or the day before
LATER_DAYS = 2  # an article this many days after a date, naming it, looks back on it
NEAR_DAYS = 1  # a date's news: the articles published from this many days before it to after
OUTSIDE_DAYS = 365  # a date this long before the first article is background ...
OUTSIDE_SHARE = 0.1  # ... unless this share of the articles name it
OUTSIDE_MIN = 3  # ... and at least this many
_LEAD = 5  # undated sentences past the first few of an article are background
_MIN_WORDS = 5
_MAX_WORDS = 80
_STAMP_CHARS = 40  # a clock time this close to the start stamps the sentence
_CLOCK = re.compile(r"T\d{2}:\d{2}")  # a TimeML value with a clock time
_CALENDAR = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
_NOT_AT = frozenset({"BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN"})
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_TOKEN = re.compile(r"[^\W_]+")
GRANULARITIES = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Period:
    """A calendar period a TimeML value names: a day, an ISO week, a month or a year."""

    value: str
    granularity: str
    first: date
    last: date


def period_of(value: str) -> Period | None:
    """The calendar period a TimeML value names (``None`` when it names none)."""
    try:
        if m := _DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return Period(day.isoformat(), "day", day, day)
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(value, "week", monday, monday + timedelta(days=6))
        if m := _MONTH.match(value):
            first = date(int(m[1]), int(m[2]), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return Period(value, "month", first, following - timedelta(days=1))
        if m := _YEAR.match(value):
            year = int(m[1])
            return Period(value, "year", date(year, 1, 1), date(year, 12, 31))
    except ValueError:
        return None  # a value such as "2016-02-30" names no day
    return None


@dataclass(frozen=True)
class Window:
    """The dates a timeline may tell: a range (inclusive) and the kinds of period."""

    first: date = date.min
    last: date = date.max
    granularities: frozenset[str] = frozenset({"day", "month"})

    def admits(self, period: Period) -> bool:
        return (
            period.granularity in self.granularities
            and period.first <= self.last
            and period.last >= self.first
        )


@dataclass
class DatedSentence:
    """A sentence of an article with the periods it reports (``fallback``: dated by the
    publication day); ``calendar`` holds the periods a calendar date ("March 19",
    "3/19") names, as opposed to a relative one ("on Saturday")."""

    article: Article
    start: int
    end: int
    tokens: list[str]
    dates: tuple[Period, ...]
    fallback: bool
    calendar: frozenset[str] = frozenset()
    vector: dict[str, float] = field(default_factory=dict)
    relevance: float = 1.0


def _reported(published: Period) -> tuple[Period, ...]:
    """Days an undated lead sentence may report: its publication day and the days before."""
    days = [published.first - timedelta(days=n) for n in range(PUB_DAYS)]
    return tuple(Period(d.isoformat(), "day", d, d) for d in days)


def _is_event_time(time: TimeExpr) -> bool:
    return time.type in {"DATE", "TIME"} and time.mod not in _NOT_AT


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


def dated_sentences(
    article: Article, times: Sequence[TimeExpr], window: Window
) -> list[DatedSentence]:
    """The reporting sentences of ``article`` (``times`` sorted by start) with the
    periods in ``window`` each reports."""
    spans = sentence_spans(article.text)
    starts = [s for s, _ in spans]
    dated: dict[int, list[TimeExpr]] = defaultdict(list)
    for time in times:
        index = bisect_right(starts, time.start) - 1
        if index >= 0 and time.start < spans[index][1]:
            dated[index].append(time)
    published = period_of(article.published[:10]) if article.published else None
    result: list[DatedSentence] = []
    for index, (start, end) in enumerate(spans):
        tokens = _TOKEN.findall(article.text[start:end].lower())
        if not _MIN_WORDS <= len(tokens) <= _MAX_WORDS:
            continue
        if _is_boilerplate(article.text[start:end], start, dated.get(index, ())):
            continue
        events = [t for t in dated.get(index, ()) if _is_event_time(t)]
        periods = {p.value: p for t in events if t.value and (p := period_of(t.value))}
        calendar = frozenset(
            t.value for t in events if t.value in periods and _CALENDAR.search(t.text)
        )
        admitted = tuple(p for p in periods.values() if window.admits(p))
        fallback = False
        undated = not any(t.type in {"DATE", "TIME"} for t in dated.get(index, ()))
        if undated and index < _LEAD and published is not None:
            admitted = tuple(p for p in _reported(published) if window.admits(p))
            fallback = True
        result.append(DatedSentence(article, start, end, tokens, admitted, fallback, calendar))
    return result


@dataclass(frozen=True)
class Candidate:
    """One date a timeline may tell, with the evidence the date model weighs: articles,
    each counted by the relevance of its sentence to the collection's topic (0 to 1;
    :class:`DatedSentence.relevance`), so pages that mention the subject in passing
    weigh little."""

    period: Period
    naming: float  # articles with a sentence that names the date
    later: float  # articles published LATER_DAYS or more after it, naming it by calendar
    leads: float  # articles whose undated lead reports it (published that day or the next)
    after: float = 0.0  # articles published LATER_DAYS or more after it (who could look back)
    near: float = 0.0  # articles published from the day before it to the day after it

    @property
    def counts(self) -> tuple[float, float, float, float, float]:
        """The raw evidence in :data:`storyline.narrate.date_model.COUNTS` order."""
        return (self.naming, self.later, self.leads, self.after, self.near)


def _add(support: dict[str, dict[str, float]], value: str, article: str, weight: float) -> None:
    """An article's support of a date is that of its most relevant sentence."""
    found = support[value]
    found[article] = max(found.get(article, 0.0), weight)


def candidates(sentences: Sequence[DatedSentence]) -> list[Candidate]:
    """Every date the sentences report, with its evidence, in calendar order; a date
    more than :data:`OUTSIDE_DAYS` before the first article (or after the last) only when
    enough of the articles name it."""
    naming: dict[str, dict[str, float]] = defaultdict(dict)
    later: dict[str, dict[str, float]] = defaultdict(dict)
    leads: dict[str, dict[str, float]] = defaultdict(dict)
    periods: dict[str, Period] = {}
    days = {
        s.article.id: date.fromisoformat(s.article.published[:10]).toordinal()
        for s in sentences
        if s.article.published
    }
    published = sorted(days.values())
    articles = {s.article.id for s in sentences}
    for sentence in sentences:
        article = sentence.article
        day = article.published[:10] if article.published else None
        for period in sentence.dates:
            periods[period.value] = period
            if sentence.fallback:
                _add(leads, period.value, article.id, sentence.relevance)
                continue
            _add(naming, period.value, article.id, sentence.relevance)
            looked_back = (
                day is not None and (date.fromisoformat(day) - period.last).days >= LATER_DAYS
            )
            if looked_back and period.value in sentence.calendar:
                _add(later, period.value, article.id, sentence.relevance)
    first = date.fromordinal(published[0]) if published else None
    last = date.fromordinal(published[-1]) if published else None
    needed = max(OUTSIDE_MIN, OUTSIDE_SHARE * len(articles))
    found = []
    for value, period in periods.items():
        outside = (
            first is not None
            and last is not None
            and ((first - period.last).days > OUTSIDE_DAYS or period.first > last)
        )
        if outside and len(naming[value]) < needed:
            continue
        looking_back = len(published) - bisect_left(published, period.last.toordinal() + LATER_DAYS)
        near = bisect_right(published, period.last.toordinal() + NEAR_DAYS) - bisect_left(
            published, period.first.toordinal() - NEAR_DAYS
        )
        evidence = (
            sum(naming[value].values()),
            sum(later[value].values()),
            sum(leads[value].values()),
            float(looking_back),
            float(near),
        )
        found.append(Candidate(period, *evidence))
    found.sort(key=lambda c: (c.period.first, c.period.last, c.period.value))
    return found


def rank_dates(
    sentences: Sequence[DatedSentence], model: DateModel | None = None
) -> list[tuple[Period, float]]:
    """Candidate dates by the date model's score, best first (ties: earlier first)."""
    found = candidates(sentences)
    if not found:
        return []
    scores = (model or load_date_model()).score([c.counts for c in found])
    ranked = sorted(zip(found, scores, strict=True), key=lambda cs: (-cs[1], cs[0].period.first))
    return [(c.period, round(float(score), 6)) for c, score in ranked]
