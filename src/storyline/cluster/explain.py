"""Why an article landed where it did: evidence gathered at placement time, and its text.

:func:`gather_evidence` is called by the clusterer for the chosen (or best rejected)
event and story, while the state it was compared with still exists; the result is
frozen into the :class:`~storyline.cluster.placement.Placement`. :func:`describe` turns a
placement into the lines ``storyline why ARTICLE`` prints.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import date

from storyline.cluster.features import Features
from storyline.cluster.placement import Evidence, Placement
from storyline.cluster.similarity import (
    Profile,
    Signals,
    Vectors,
    Vocabulary,
    shared_products,
)

SHOWN = 8  # shared entities / terms kept as evidence


def _shared(
    article: Mapping[str, float],
    raw: Mapping[str, float],
    df: Mapping[str, int],
    vocab: Vocabulary,
    norm: float,
) -> tuple[tuple[str, float], ...]:
    """The keys contributing most to the cosine of a unit ``article`` vector with the
    IDF-weighted ``raw`` profile of weighted ``norm`` (only shared keys are weighed)."""
    if norm <= 0:
        return ()
    products = shared_products(article, raw, df, vocab)
    best = heapq.nlargest(SHOWN, products, key=lambda kv: (kv[1], kv[0]))
    return tuple((k, round(w / norm, 4)) for k, w in best)


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def gather_evidence(
    cluster_id: str,
    features: Features,
    vectors: Vectors,
    profile: Profile,
    vocab: Vocabulary,
    scored: tuple[float, float, Signals],
) -> Evidence:
    """Evidence of ``features`` against ``profile``; ``scored`` = (score, threshold, signals)."""
    score, threshold, signals = scored
    norm_terms, norm_entities = profile.norms(vocab)
    return Evidence(
        cluster_id=cluster_id,
        score=round(score, 4),
        threshold=threshold,
        signals=signals,
        shared_entities=_shared(
            vectors.entities, profile.entities, vocab.entities, vocab, norm_entities
        ),
        shared_terms=_shared(vectors.terms, profile.terms, vocab.terms, vocab, norm_terms),
        shared_places=tuple(p for p in features.places if p in profile.places),
        cluster_days=(_iso(profile.first_day), _iso(profile.last_day)),
    )


def _entity_label(key: str, names: Mapping[str, str]) -> str:
    return names.get(key) or key.split(":")[-1]


def _evidence_lines(kind: str, evidence: Evidence, names: Mapping[str, str]) -> list[str]:
    s = evidence.signals
    verdict = "joined" if evidence.score >= evidence.threshold else "closest, below threshold"
    lines = [
        f"  {kind} {evidence.cluster_id} ({verdict}): score {evidence.score:.3f} vs threshold "
        f"{evidence.threshold:.3f} (terms {s.terms:.3f}, entities {s.entities:.3f}, "
        f"places {s.places:.2f})",
    ]
    first, last = evidence.cluster_days
    if s.gap_days is not None:
        lines.append(
            f"    time gap: {s.gap_days} day(s) after its latest article ({first}..{last})"
        )
    else:
        missing = "the article has no date" if last else f"the {kind} has no dated article"
        lines.append(f"    time gap: unknown ({missing}), so no time decay")
    if evidence.shared_entities:
        shown = ", ".join(_entity_label(k, names) for k, _ in evidence.shared_entities)
        lines.append(f"    shared entities: {shown}")
    if evidence.shared_terms:
        lines.append("    key terms: " + ", ".join(k for k, _ in evidence.shared_terms))
    if evidence.shared_places:
        lines.append("    shared places: " + ", ".join(evidence.shared_places))
    if evidence.core:
        core = ", ".join(_key_label(k, names) for k in evidence.core)
        named = ", ".join(_key_label(k, names) for k in evidence.core_shared) or "none of it"
        lines.append(f"    {kind} core: {core}; this article names {named}")
    return lines


def _key_label(key: str, names: Mapping[str, str]) -> str:
    """An entity key by its name (``person:john kerry`` -> "John Kerry"); a term as is."""
    return _entity_label(key, names) if ":" in key else key


def describe(placement: Placement, names: Mapping[str, str] | None = None) -> list[str]:
    """Human-readable reasons for a placement; ``names`` maps entity keys to display names."""
    names = names or {}
    lines = [f"article {placement.article_id}"]
    if placement.duplicate_of:
        lines.append(
            f"  event {placement.event_id}: copy of {placement.duplicate_of}, placed with it"
        )
    elif placement.new_event:
        lines.append(f"  opened new event {placement.event_id}")
    if placement.event_evidence is not None:
        lines.extend(_evidence_lines("event", placement.event_evidence, names))
    elif placement.new_event:
        lines.append(
            "    no open event shared its heaviest terms or entities (an event idle for "
            "cluster.event_active_days, or that would last longer than "
            "cluster.event_span_days, takes no more articles)"
        )
    if placement.new_story:
        lines.append(f"  story {placement.story_id} (opened with this article's event)")
    if placement.story_evidence is not None:
        lines.extend(_evidence_lines("story", placement.story_evidence, names))
    elif not placement.new_story:
        lines.append(f"  story {placement.story_id}")
    return lines
