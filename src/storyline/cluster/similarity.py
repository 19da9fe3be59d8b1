"""Similarity signals between an article and a cluster profile, and between two articles.

Weights are TF-IDF with document frequencies counted online (:class:`Vocabulary`: only
articles that have arrived count). Vectors are sparse dicts, L2-normalised, so a cosine
is a dot product. A cluster (event or story) is a :class:`Profile`: the sums of its
articles' unit term and entity vectors *before* IDF weighting, so that its vector is
re-weighted with the IDF of the moment it is compared.

:func:`pair_score` puts two articles on the SemEval-2022 Task 8 scale (1 = same story,
4 = unrelated) from the same signals the clusterer uses.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from storyline.cluster.features import Features

_K = TypeVar("_K", str, int)

TOP_TERMS = 120  # article term vectors keep their heaviest terms only
PROFILE_TERMS = 400  # a profile prunes back to this many terms when it doubles it
PROFILE_ENTITIES = 1000  # and to this many entities: a profile's cost stays bounded
NORM_REFRESH = 1.05  # profile norms are recomputed when the documents grow by this factor
PAIR_ENTITY_WEIGHT = 0.2  # entity share of the pair similarity (chosen on SemEval-2022)


@dataclass
class Vocabulary:
    """Document frequencies of terms and entity keys over the articles seen so far."""

    documents: int = 0
    terms: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)

    def add(self, features: Features) -> None:
        self.documents += 1
        for term in features.terms:
            self.terms[term] = self.terms.get(term, 0) + 1
        for key in features.entities:
            self.entities[key] = self.entities.get(key, 0) + 1

    def idf(self, df: int) -> float:
        return math.log((1 + self.documents) / (1 + df)) + 1.0


def unit(weights: Mapping[str, float]) -> dict[str, float]:
    """``weights`` scaled to unit L2 norm (empty stays empty)."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm > 0 else {}


def sublinear(counts: Mapping[str, float]) -> dict[str, float]:
    """Unit vector of ``1 + log(count)`` per key (raw, before IDF)."""
    return unit({k: 1.0 + math.log(c) for k, c in counts.items() if c > 0})


def weigh(
    raw: Mapping[str, float], df: Mapping[str, int], vocab: Vocabulary, limit: int | None = None
) -> dict[str, float]:
    """Unit TF-IDF vector of a raw vector, keeping the ``limit`` heaviest keys."""
    weighted = {k: w * vocab.idf(df.get(k, 0)) for k, w in raw.items()}
    if limit is not None and len(weighted) > limit:
        weighted = dict(heapq.nlargest(limit, weighted.items(), key=lambda kv: kv[1]))
    return unit(weighted)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[k] for k, w in a.items() if k in b)


@dataclass(frozen=True)
class Vectors:
    """An article's unit vectors: raw (for profiles) and TF-IDF weighted (for scoring)."""

    raw_terms: Mapping[str, float]
    raw_entities: Mapping[str, float]
    terms: Mapping[str, float]
    entities: Mapping[str, float]


def vectorize(features: Features, vocab: Vocabulary) -> Vectors:
    raw_terms = sublinear(features.terms)
    raw_entities = sublinear(features.entities)
    return Vectors(
        raw_terms=raw_terms,
        raw_entities=raw_entities,
        terms=weigh(raw_terms, vocab.terms, vocab, TOP_TERMS),
        entities=weigh(raw_entities, vocab.entities, vocab),
    )


@dataclass
class Profile:
    """What a cluster (event or story) accumulated from its articles (plain, saveable)."""

    articles: int = 0
    terms: dict[str, float] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)
    event_days: dict[int, int] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)
    first_day: int | None = None
    last_day: int | None = None
    # Cached norms of the IDF-weighted profile and the document count they were computed
    # at (-1: stale); refreshed when the profile changes or the documents grow by 5 %.
    norm_terms: float = 0.0
    norm_entities: float = 0.0
    norm_documents: int = -1

    def norms(self, vocab: Vocabulary) -> tuple[float, float]:
        if self.norm_documents < 0 or vocab.documents > self.norm_documents * NORM_REFRESH:
            self.norm_terms = _weighted_norm(self.terms, vocab.terms, vocab)
            self.norm_entities = _weighted_norm(self.entities, vocab.entities, vocab)
            self.norm_documents = vocab.documents
        return self.norm_terms, self.norm_entities

    def add(self, features: Features, vectors: Vectors) -> None:
        self._take(1, vectors.raw_terms, vectors.raw_entities)
        for place in features.places:
            self.places[place] = self.places.get(place, 0) + 1
        for day in features.event_days:
            self.event_days[day] = self.event_days.get(day, 0) + 1
        for year in features.years:
            self.years[year] = self.years.get(year, 0) + 1
        self._widen(features.day)

    def absorb(self, other: Profile) -> None:
        """Add everything ``other`` accumulated (a story taking in an event or a story)."""
        self._take(other.articles, other.terms, other.entities)
        _add_counts(self.places, other.places)
        _add_counts(self.event_days, other.event_days)
        _add_counts(self.years, other.years)
        self._widen(other.first_day)
        self._widen(other.last_day)

    def _take(
        self, articles: int, terms: Mapping[str, float], entities: Mapping[str, float]
    ) -> None:
        self.articles += articles
        self.norm_documents = -1
        _accumulate(self.terms, terms)
        _accumulate(self.entities, entities)
        self.terms = _pruned(self.terms, PROFILE_TERMS)
        self.entities = _pruned(self.entities, PROFILE_ENTITIES)

    def _widen(self, day: int | None) -> None:
        if day is not None:
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)


def _pruned(weights: dict[str, float], keep: int) -> dict[str, float]:
    """``weights`` itself, or its ``keep`` heaviest keys once it holds twice as many."""
    if len(weights) <= 2 * keep:
        return weights
    return dict(heapq.nlargest(keep, weights.items(), key=lambda kv: kv[1]))


def _add_counts(into: dict[_K, int], counts: Mapping[_K, int]) -> None:
    for key, count in counts.items():
        into[key] = into.get(key, 0) + count


def profile_vectors(profile: Profile, vocab: Vocabulary) -> Vectors:
    """A profile as one article's vectors (its unit raw and TF-IDF sums): what the
    candidate index keys a whole cluster by."""
    raw_terms, raw_entities = unit(profile.terms), unit(profile.entities)
    return Vectors(
        raw_terms=raw_terms,
        raw_entities=raw_entities,
        terms=weigh(raw_terms, vocab.terms, vocab, TOP_TERMS),
        entities=weigh(raw_entities, vocab.entities, vocab),
    )


def _weighted_norm(raw: Mapping[str, float], df: Mapping[str, int], vocab: Vocabulary) -> float:
    return math.sqrt(sum((w * vocab.idf(df.get(k, 0))) ** 2 for k, w in raw.items()))


def shared_products(
    article: Mapping[str, float],
    raw: Mapping[str, float],
    df: Mapping[str, int],
    vocab: Vocabulary,
) -> Iterator[tuple[str, float]]:
    """Per key shared by a unit article vector and a raw profile: its term of the dot
    product with the IDF-weighted profile (what :func:`_weighted_cosine` sums and the
    explanation ranks)."""
    return ((k, w * raw[k] * vocab.idf(df.get(k, 0))) for k, w in article.items() if k in raw)


def _weighted_cosine(
    article: Mapping[str, float],
    raw: Mapping[str, float],
    df: Mapping[str, int],
    vocab: Vocabulary,
    norm: float,
) -> float:
    """Cosine of a unit article vector with the IDF-weighted ``raw`` profile of ``norm``."""
    if norm <= 0:
        return 0.0
    dot = sum(product for _, product in shared_products(article, raw, df, vocab))
    return min(1.0, dot / norm)


def _accumulate(into: dict[str, float], vector: Mapping[str, float]) -> None:
    for key, weight in vector.items():
        into[key] = into.get(key, 0.0) + weight


@dataclass(frozen=True)
class Signals:
    """How close an article is to a profile, signal by signal (all in 0..1 but ``gap``)."""

    terms: float
    entities: float
    places: float
    gap_days: int | None  # days from the profile's latest article to this one
    date_conflict: bool = False  # both name dates (years) and none agree


def _overlap(keys: Iterable[str], counts: Mapping[str, int]) -> float:
    keys = list(keys)
    if not keys or not counts:
        return 0.0
    return sum(1 for k in keys if k in counts) / len(keys)


def compare(features: Features, vectors: Vectors, profile: Profile, vocab: Vocabulary) -> Signals:
    """Signals between an article and a profile, under the current IDF (the profile's
    norms may lag by up to 5 % of document growth)."""
    norm_terms, norm_entities = profile.norms(vocab)
    gap = None
    if features.day is not None and profile.last_day is not None:
        gap = abs(features.day - profile.last_day)
        if profile.first_day is not None and profile.first_day <= features.day:
            gap = max(0, features.day - profile.last_day)
    return Signals(
        terms=_weighted_cosine(vectors.terms, profile.terms, vocab.terms, vocab, norm_terms),
        entities=_weighted_cosine(
            vectors.entities, profile.entities, vocab.entities, vocab, norm_entities
        ),
        places=_overlap(features.places, profile.places),
        gap_days=gap,
        date_conflict=_date_conflict(features, profile),
    )


def _date_conflict(features: Features, profile: Profile) -> bool:
    """True when both sides name years and share none: two happenings, not one."""
    if not features.years or not profile.years:
        return False
    return not any(year in profile.years for year in features.years)


CONFLICT_FACTOR = 0.5  # score factor when the dates conflict


def content_score(signals: Signals, entity_weight: float) -> float:
    """Terms and entities blended: ``(1 - w) * terms + w * entities``, halved when the
    dates conflict."""
    score = (1.0 - entity_weight) * signals.terms + entity_weight * signals.entities
    if signals.date_conflict:
        score *= CONFLICT_FACTOR
    return score


def decay(gap_days: int | None, scale_days: float) -> float:
    """Time decay ``exp(-gap / scale)``; 1 when either date is unknown."""
    if gap_days is None or scale_days <= 0:
        return 1.0
    return math.exp(-gap_days / scale_days)


def pair_score(
    a: Features, b: Features, vocab: Vocabulary, entity_weight: float = PAIR_ENTITY_WEIGHT
) -> tuple[float, Signals]:
    """Two articles on the SemEval-2022 Task 8 scale (1 = same story .. 4 = unrelated).

    The blend ``s = (1 - w) * cos(terms) + w * cos(entities)`` maps to ``4 - 3 * sqrt(s)``:
    the square root spreads the low cosines that unrelated and loosely related pairs
    share. No date-conflict penalty here: two articles of one story often name
    different years.
    """
    profile = Profile()
    profile.add(b, vectorize(b, vocab))
    signals = compare(a, vectorize(a, vocab), profile, vocab)
    blend = (1.0 - entity_weight) * signals.terms + entity_weight * signals.entities
    return 4.0 - 3.0 * min(1.0, math.sqrt(max(0.0, blend))), signals


@dataclass(frozen=True)
class Scored:
    """One candidate cluster and how the article scored against it."""

    cluster_id: str
    score: float
    signals: Signals


def score_profile(
    features: Features,
    vectors: Vectors,
    profile: Profile,
    vocab: Vocabulary,
    entity_weight: float,
    scale_days: float,
) -> tuple[float, Signals]:
    """Blended content similarity times the time decay since the profile's latest article."""
    signals = compare(features, vectors, profile, vocab)
    return content_score(signals, entity_weight) * decay(signals.gap_days, scale_days), signals
