"""What consolidation changed: the records the service turns into placements and log lines."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.cluster.consolidate import Merge, Split
from storyline.cluster.consolidate_stories import Reassign


@dataclass(frozen=True)
class Move:
    """Consolidation moved ``split.moved`` from ``source`` into the new event ``target``."""

    source: str
    target: str
    split: Split
    story: str | None


@dataclass(frozen=True)
class Merged:
    """Consolidation merged ``merge.absorbed`` (its articles ``moved``) into ``merge.kept``."""

    merge: Merge
    moved: tuple[str, ...]
    story: str | None


@dataclass(frozen=True)
class StoryMove:
    """Consolidation moved the events ``split.moved`` from story ``source`` into the new
    story ``target``."""

    source: str
    target: str
    split: Split

    @property
    def moved_events(self) -> tuple[str, ...]:
        return self.split.moved


@dataclass(frozen=True)
class StoryMerged:
    """Consolidation merged story ``merge.absorbed`` (its events ``moved``) into
    ``merge.kept``; ``merge.absorbed`` now redirects to ``merge.kept``."""

    merge: Merge
    moved: tuple[str, ...]

    @property
    def moved_events(self) -> tuple[str, ...]:
        return self.moved


@dataclass(frozen=True)
class EventMoved:
    """Consolidation moved one event to another existing story; ``emptied`` when that
    was its story's last event (the story is gone and redirects to the target)."""

    reassign: Reassign
    emptied: bool = False

    @property
    def moved_events(self) -> tuple[str, ...]:
        return (self.reassign.event,)


Change = Move | Merged | StoryMove | StoryMerged | EventMoved
StoryChange = StoryMove | StoryMerged | EventMoved
