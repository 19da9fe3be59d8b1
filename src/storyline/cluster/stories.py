"""Events into stories, online: a new event joins the closest active story or opens one.

A story is a thread of events over weeks to years, so it is compared on a longer clock
than an event (``scale_days``) and stays a candidate longer (``active_days``). A story's
profile accumulates every article of its events, so it follows the thread as it drifts.
Online, the story of an event is decided once, when the event opens (with its first
article). Consolidation may later split a story whose events form two threads or merge
two stories that tell one (:func:`storyline.cluster.consolidate.split_story`,
:func:`~storyline.cluster.consolidate.merge_stories`); the half holding the story's first
event and the older of two merged stories keep their ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from storyline.cluster.explain import gather_evidence
from storyline.cluster.features import Features
from storyline.cluster.index import CandidateIndex, Cluster
from storyline.cluster.placement import StoryPlacement
from storyline.cluster.similarity import Scored, Vectors, Vocabulary, score_profile


@dataclass(frozen=True)
class StoryParams:
    """How events join stories (see ``storyline.cluster.online.params_from_settings``)."""

    threshold: float = 0.06
    entity_weight: float = 0.7
    scale_days: float = 60.0
    active_days: int = 365
    candidates: int = 20
    posting_cap: int = 100
    split_ratio: float = 0.5  # consolidation: a story parts below this between/within
    merge_ratio: float = 0.8  # consolidation: two stories join at this between/within


@dataclass
class StoryLayer:
    """Plain, saveable state of the story level."""

    stories: dict[str, Cluster] = field(default_factory=dict)
    index: CandidateIndex = field(default_factory=CandidateIndex)
    next_story: int = 1

    def place(
        self,
        features: Features,
        vectors: Vectors,
        keys: Mapping[str, float],
        vocab: Vocabulary,
        params: StoryParams,
    ) -> StoryPlacement:
        """Choose the story of a new event opened by this article (does not record it)."""
        found = self.index.candidates(keys, features.day, params.candidates)
        scored = []
        for story_id in found:
            profile = self.stories[story_id].profile
            score, signals = score_profile(
                features, vectors, profile, vocab, params.entity_weight, params.scale_days
            )
            scored.append(Scored(story_id, round(score, 6), signals))
        scored.sort(key=lambda s: (-s.score, s.cluster_id))
        evidence = None
        if scored:
            best = scored[0]
            evidence = gather_evidence(
                best.cluster_id,
                features,
                vectors,
                self.stories[best.cluster_id].profile,
                vocab,
                (best.score, params.threshold, best.signals),
            )
            if best.score >= params.threshold:
                return StoryPlacement(best.cluster_id, False, tuple(scored), evidence)
        story_id = f"story-{self.next_story}"
        self.next_story += 1
        self.stories[story_id] = Cluster(story_id)
        return StoryPlacement(story_id, True, tuple(scored), evidence)

    def add(
        self,
        story_id: str,
        features: Features,
        vectors: Vectors,
        keys: Mapping[str, float],
        event_id: str | None = None,
    ) -> None:
        """Record an article (and, when it opened one, its event) in ``story_id``."""
        story = self.stories[story_id]
        story.profile.add(features, vectors)
        if event_id is not None:
            story.members.append(event_id)
        self.index.add(story_id, keys, features.day)
