"""What the clusterer decided for one article, and the evidence it decided on.

Plain frozen records shared by the clusterer (:mod:`storyline.cluster.online`,
:mod:`storyline.cluster.stories`), the evidence gatherer and the explanations
(:mod:`storyline.cluster.explain`); they import nothing of the clusterer's.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.cluster.similarity import Scored, Signals


@dataclass(frozen=True)
class Evidence:
    """What an article shares with one cluster, and the scores that decided."""

    cluster_id: str
    score: float
    threshold: float
    signals: Signals
    shared_entities: tuple[tuple[str, float], ...] = ()  # (entity key, contribution)
    shared_terms: tuple[tuple[str, float], ...] = ()
    shared_places: tuple[str, ...] = ()
    cluster_days: tuple[str | None, str | None] = (None, None)  # first, last day (ISO)
    core: tuple[str, ...] = ()  # stories: the heaviest keys of the story's core
    core_shared: tuple[str, ...] = ()  # ... and those of them the article names


@dataclass(frozen=True)
class StoryPlacement:
    story_id: str
    new: bool
    candidates: tuple[Scored, ...]
    evidence: Evidence | None


@dataclass(frozen=True)
class Placement:
    """Where one article went and why (candidates best first, evidence of the best)."""

    article_id: str
    event_id: str
    story_id: str
    new_event: bool
    new_story: bool
    event_threshold: float
    candidates: tuple[Scored, ...] = ()
    story_candidates: tuple[Scored, ...] = ()
    event_evidence: Evidence | None = None
    story_evidence: Evidence | None = None
    duplicate_of: str | None = None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0
