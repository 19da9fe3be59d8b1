"""A story's core: the terms and entities most characteristic of it over its whole life.

A story's :class:`~storyline.cluster.similarity.Profile` sums the unit vectors of every
article it took in, so ``profile.entities[k] / profile.articles`` is about the share of
its articles that name ``k``. Weighed by the inverse document frequency of the moment,
the heaviest :data:`CORE_ENTITIES` entities and :data:`CORE_TERMS` terms are what the
story is about -- "Syria, Bashar al-Assad, Damascus; rebels, regime" -- however far its
latest events have drifted, and however many one-off names its articles brought along.

Two cores are compared by the cosine of their weights (entities and terms blended as
everywhere else). Measured on the development stories (notes in docs/benchmarks.md), the
cores of two threads of one story -- its first and second half in time, or the two sides
of any cut through it -- stay close (about 0.5 to 0.95), while the cores of two
different stories, even of one region and month (two uprisings of the Arab Spring),
stay apart (below about 0.2). Consolidation builds on that gap: stories whose cores
agree merge, a story whose halves' cores disagree splits, and an event moves to the
story whose core it fits clearly better.

Pure: profiles and a vocabulary in, cores and similarities out.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from storyline.cluster.similarity import Profile, Vocabulary, cosine, unit

CORE_TERMS = 60  # terms in a story's core
CORE_ENTITIES = 30  # entities in a story's core
SHOWN = 6  # shared core keys named in an explanation


@dataclass(frozen=True)
class Core:
    """Unit-length weights of a story's characteristic terms and entities."""

    terms: Mapping[str, float]
    entities: Mapping[str, float]


def _heaviest(
    raw: Mapping[str, float], df: Mapping[str, int], vocab: Vocabulary, articles: int, count: int
) -> dict[str, float]:
    weights = {k: w / articles * vocab.idf(df.get(k, 0)) for k, w in raw.items()}
    return unit(dict(heapq.nlargest(count, weights.items(), key=lambda kv: (kv[1], kv[0]))))


def core_of(profile: Profile, vocab: Vocabulary) -> Core:
    """The core of a cluster's profile under ``vocab``'s current IDF (empty when it has
    no article)."""
    if profile.articles <= 0:
        return Core({}, {})
    return Core(
        _heaviest(profile.terms, vocab.terms, vocab, profile.articles, CORE_TERMS),
        _heaviest(profile.entities, vocab.entities, vocab, profile.articles, CORE_ENTITIES),
    )


def merged_profile(profiles: Iterable[Profile]) -> Profile:
    """One profile holding everything ``profiles`` took in (events into a story)."""
    total = Profile()
    for profile in profiles:
        total.absorb(profile)
    return total


def core_similarity(a: Core, b: Core, entity_weight: float) -> float:
    """``(1 - w) * cos(terms) + w * cos(entities)`` of two cores."""
    terms = cosine(a.terms, b.terms)
    return (1.0 - entity_weight) * terms + entity_weight * cosine(a.entities, b.entities)


def core_keys(core: Core, count: int = SHOWN) -> tuple[str, ...]:
    """The ``count`` heaviest entities of a core, then its heaviest terms, for
    explanations (entity keys as stored, terms as words)."""
    found: list[str] = []
    for weights in (core.entities, core.terms):
        found.extend(k for k, _ in heapq.nlargest(count, weights.items(), key=lambda kv: kv[1]))
    return tuple(found[: 2 * count])


def shared_keys(a: Core, b: Core, count: int = SHOWN) -> tuple[str, ...]:
    """The entities (then terms) that weigh most in both cores, for explanations:
    entity keys as stored (``person:bashar al-assad``), terms as words."""
    found: list[str] = []
    for left, right in ((a.entities, b.entities), (a.terms, b.terms)):
        products = {k: w * right[k] for k, w in left.items() if k in right}
        found.extend(k for k, _ in heapq.nlargest(count, products.items(), key=lambda kv: kv[1]))
    return tuple(found[:count])
