"""The clusterer's parameters, with their defaults taken from the settings table alone.

Every field backed by a setting names it in :data:`_EVENT_SETTINGS` /
:data:`_STORY_SETTINGS` and takes its default from :func:`storyline.settings.default`,
so a default is written once, in ``settings.py``. The other fields are bounds of the
indexes, not tuning knobs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from storyline.cluster.consolidate_stories import StoryRules
from storyline.cluster.pair_model import PairModel
from storyline.settings import Settings, default


@dataclass(frozen=True)
class StoryParams:
    """How events join stories online, and how consolidation splits, moves and merges
    them (settings ``cluster.story_*``)."""

    threshold: float = default("cluster.story_threshold")
    entity_weight: float = default("cluster.entity_weight")
    scale_days: float = default("cluster.story_days")
    active_days: int = default("cluster.story_active_days")
    split_ratio: float = default("cluster.story_split_ratio")
    split_core: float = default("cluster.story_split_core")
    merge_core: float = default("cluster.story_merge_core")
    reassign_margin: float = default("cluster.story_reassign_margin")
    attach_floor: float = default("cluster.story_attach_floor")
    attach_margin: float = default("cluster.story_attach_margin")
    candidates: int = 20  # stories scored per new event
    posting_cap: int = 100  # stories per key of the story index

    @property
    def reach_days(self) -> float | None:
        """Days after a story's latest article past which no new event can reach it: a
        score is a similarity of at most 1 times ``exp(-gap / scale_days)``, so once the
        decay alone is under ``threshold`` the story can never be chosen again (about 421
        days at 120 and 0.03). ``story_active_days``, when set and shorter, ends it sooner.
        ``None``: stories stay reachable for ever (no decay or no threshold)."""
        reach = None
        if self.scale_days > 0 and 0 < self.threshold < 1:
            reach = self.scale_days * math.log(1.0 / self.threshold)
        if self.active_days > 0:
            reach = self.active_days if reach is None else min(reach, self.active_days)
        return reach

    @property
    def rules(self) -> StoryRules:
        return StoryRules(
            split_ratio=self.split_ratio,
            split_core=self.split_core,
            merge_core=self.merge_core,
            reassign_margin=self.reassign_margin,
            attach_floor=self.attach_floor,
            attach_margin=self.attach_margin,
            entity_weight=self.entity_weight,
            scale_days=self.scale_days,
        )


@dataclass(frozen=True)
class ClusterParams:
    """Thresholds and bounds of the clusterer (settings ``cluster.*``)."""

    event_threshold: float = default("cluster.event_threshold")
    entity_weight: float = default("cluster.entity_weight")
    event_days: float = default("cluster.event_days")
    event_active_days: int = default("cluster.event_active_days")
    event_span_days: int = default("cluster.event_span_days")
    candidates: int = default("cluster.candidates")
    split_ratio: float = default("cluster.split_ratio")
    evict_ratio: float = default("cluster.evict_ratio")
    merge_ratio: float = default("cluster.merge_ratio")
    pair_merge: float = default("cluster.event_pair_merge")
    pair_split: float = default("cluster.event_pair_split")
    pair_model: PairModel | None = None  # None: the shipped event pair model
    index_keys: int = 20  # heaviest terms and entities an article is indexed by
    posting_cap: int = 100  # events per key of the event index
    story: StoryParams = field(default_factory=StoryParams)


_EVENT_SETTINGS = {
    "cluster.event_threshold": "event_threshold",
    "cluster.entity_weight": "entity_weight",
    "cluster.event_days": "event_days",
    "cluster.event_active_days": "event_active_days",
    "cluster.event_span_days": "event_span_days",
    "cluster.candidates": "candidates",
    "cluster.split_ratio": "split_ratio",
    "cluster.evict_ratio": "evict_ratio",
    "cluster.merge_ratio": "merge_ratio",
    "cluster.event_pair_merge": "pair_merge",
    "cluster.event_pair_split": "pair_split",
}
_STORY_SETTINGS = {
    "cluster.entity_weight": "entity_weight",
    "cluster.story_threshold": "threshold",
    "cluster.story_days": "scale_days",
    "cluster.story_active_days": "active_days",
    "cluster.story_split_ratio": "split_ratio",
    "cluster.story_split_core": "split_core",
    "cluster.story_merge_core": "merge_core",
    "cluster.story_reassign_margin": "reassign_margin",
    "cluster.story_attach_floor": "attach_floor",
    "cluster.story_attach_margin": "attach_margin",
}


def params_from_settings(settings: Settings | None) -> ClusterParams:
    """The parameters ``settings`` give (the packaged defaults when ``None``)."""
    defaults = ClusterParams()
    if settings is None:
        return defaults
    event: dict[str, Any] = {attr: settings[name] for name, attr in _EVENT_SETTINGS.items()}
    story: dict[str, Any] = {attr: settings[name] for name, attr in _STORY_SETTINGS.items()}
    return replace(defaults, **event, story=replace(defaults.story, **story))
