"""Dated, cited timelines: what happened when, told by sentences of the articles.

A date-wise method after Gholipour Ghalandari & Ifrim (2020, "DATEWISE"):

1. **Date every sentence by when its event happened** and **rank the dates** by the
   evidence that they mattered (:mod:`storyline.narrate.dates`, with the shipped date
   model of :mod:`storyline.narrate.date_model`).
2. **Summarise each top date** with the sentences dated to it: greedily add the sentence
   that brings the summary's TF-IDF vector closest to the centroid of all of the date's
   sentences (explicitly dated sentences weigh 1, fallbacks :data:`FALLBACK_WEIGHT`),
   skipping a sentence too similar (:data:`REDUNDANCY`) to one already in the timeline.
   A sentence's relevance to the collection's topic (:func:`_weigh_relevance`) keeps
   pages that mention the subject in passing out of the summaries.

Query keywords select the articles that mention them (see :func:`_relevant`).

Pure: articles and enrichments in, a :class:`Timeline` out.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from storyline.errors import InputError
from storyline.models import Article, Enrichment
from storyline.narrate.citations import Citation
from storyline.narrate.date_model import DateModel
from storyline.narrate.dates import (
    GRANULARITIES,
    Candidate,
    DatedSentence,
    Period,
    Window,
    candidates,
    dated_sentences,
    rank_dates,
)

__all__ = [
    "FALLBACK_WEIGHT",
    "CitedSentence",
    "Timeline",
    "TimelineEntry",
    "TimelineOptions",
    "build_timeline",
    "date_candidates",
]

FALLBACK_WEIGHT = 0.5  # weight of a fallback sentence in a date's centroid
REDUNDANCY = 0.5  # cosine above which a sentence repeats one already in the timeline
KEYWORD_SHARE = 0.1  # a query keyword counts when this share of the articles has it
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
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


def _cited(sentence: DatedSentence) -> CitedSentence:
    article = sentence.article
    return CitedSentence(
        text=article.text[sentence.start : sentence.end],
        article_id=article.id,
        source=article.source,
        start=sentence.start,
        end=sentence.end,
        published=article.published,
        dated_by="published" if sentence.fallback else "expression",
    )


def _vectorise(sentences: Sequence[DatedSentence]) -> None:
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


def _weigh_relevance(sentences: Sequence[DatedSentence]) -> None:
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


def _unit(sentence: DatedSentence) -> float:
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


def _centroid(sentences: Sequence[DatedSentence]) -> dict[str, float]:
    """Unit-length weighted sum of sentence vectors (fallbacks weigh less)."""
    total: dict[str, float] = defaultdict(float)
    for sentence in sentences:
        weight = FALLBACK_WEIGHT if sentence.fallback else 1.0
        for token, value in sentence.vector.items():
            total[token] += weight * value
    norm = math.sqrt(sum(v * v for v in total.values()))
    return {t: v / norm for t, v in total.items()} if norm else {}


def _summarise(
    candidates: Sequence[DatedSentence],
    k: int,
    chosen: Sequence[DatedSentence],
) -> list[DatedSentence]:
    """Greedy summary whose vector is closest to the centroid of ``candidates``."""
    centroid = _centroid(candidates)
    summary: dict[str, float] = {}
    summary_dot = 0.0  # summary . centroid
    summary_norm2 = 0.0  # |summary|^2
    selected: list[DatedSentence] = []
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


def _dated(
    articles: Sequence[Article], enrichments: Mapping[str, Enrichment], options: TimelineOptions
) -> list[DatedSentence]:
    """The dated sentences of the relevant originals, with their vectors and relevance."""
    window = Window(
        date.fromisoformat(options.start[:10]) if options.start else date.min,
        date.fromisoformat(options.end[:10]) if options.end else date.max,
        frozenset(options.granularities),
    )
    originals = [a for a in articles if a.duplicate_of is None]
    sentences: list[DatedSentence] = []
    for article in _relevant(originals, options.keywords):
        enrichment = enrichments.get(article.id)
        times = sorted(enrichment.times, key=lambda t: t.start) if enrichment else []
        sentences.extend(dated_sentences(article, times, window))
    _vectorise(sentences)
    _weigh_relevance(sentences)
    return sentences


def date_candidates(
    articles: Sequence[Article], enrichments: Mapping[str, Enrichment], options: TimelineOptions
) -> list[Candidate]:
    """The dates :func:`build_timeline` would rank, with the counts the date model weighs
    (what the date model is fitted on)."""
    return candidates(_dated(articles, enrichments, options))


def build_timeline(
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    options: TimelineOptions,
    model: DateModel | None = None,
) -> Timeline:
    """The timeline of ``articles``: dates ranked by the date model (the shipped one
    unless ``model`` is given), each told by cited sentences.

    ``enrichments`` maps article ids to their enrichment; an article without one has no
    time expressions (its lead sentences can still be dated by its publication date).
    """
    sentences = _dated(articles, enrichments, options)
    by_date: dict[str, list[DatedSentence]] = defaultdict(list)
    for sentence in sentences:
        for period in sentence.dates:
            by_date[period.value].append(sentence)
    entries: list[tuple[Period, TimelineEntry]] = []
    chosen: list[DatedSentence] = []
    for period, score in rank_dates(sentences, model):
        if options.max_dates is not None and len(entries) >= options.max_dates:
            break
        summary = _summarise(by_date.get(period.value, []), options.sentences_per_date, chosen)
        if summary:
            chosen.extend(summary)
            entry = TimelineEntry(period.value, tuple(_cited(s) for s in summary), score)
            entries.append((period, entry))
    entries.sort(key=lambda item: (item[0].first, item[0].last))
    return Timeline(tuple(entry for _, entry in entries))
