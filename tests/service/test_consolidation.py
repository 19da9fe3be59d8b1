from __future__ import annotations

from storyline.cluster.changes import Merged, Move, StoryMerged, StoryMove
from storyline.cluster.consolidate import Merge, Split
from storyline.service.consolidation import _log_line, _moved
from storyline.store.clusters import PlacementRow

ROW = PlacementRow("a1", "event-1", "story-1", {"lines": ["opened new event event-1"]}, "test")
SPLIT = Split(("a0",), ("a1",), 0.1, 0.4)
MERGE = Merge("story-1", "story-2", 0.5, 0.5, "events")


def test_each_change_moves_the_placement_at_its_level_and_says_why() -> None:
    moved = _moved(ROW, Move("event-1", "event-7", SPLIT, "story-1"))
    assert (moved.event_id, moved.story_id) == ("event-7", "story-1")
    assert moved.explanation["lines"][-1].startswith(
        "consolidation moved it from event-1 to event-7: article a1 stands apart"
    )
    merged = _moved(ROW, Merged(Merge("event-0", "event-1", 0.3, 0.3), ("a1",), "story-1"))
    assert (merged.event_id, merged.story_id) == ("event-0", "story-1")
    assert "consolidation merged event-1 into event-0: " in merged.explanation["lines"][-1]
    story_split = Split(("event-0",), ("event-1",), 0.1, 0.4, "events")
    parted = _moved(ROW, StoryMove("story-1", "story-5", story_split))
    assert (parted.event_id, parted.story_id) == ("event-1", "story-5")
    assert parted.explanation["lines"][-1].startswith(
        "consolidation moved its event event-1 from story-1 to story-5: its events form two"
    )
    joined = _moved(ROW, StoryMerged(MERGE, ("event-1",)))
    assert (joined.event_id, joined.story_id) == ("event-1", "story-1")
    assert joined.explanation["moves"][-1] == {
        "from": "story-2",
        "to": "story-1",
        "between": 0.5,
        "within": 0.5,
    }
    assert ROW.explanation["lines"] == ["opened new event event-1"]  # the old row is untouched


def test_log_lines_name_splits_and_merges() -> None:
    assert _log_line(StoryMove("story-1", "story-5", SPLIT)) == (
        "split: story-1 -> story-1, story-5 (article a1 stands apart from the others: "
        "mean similarity to them 0.100, theirs to each other 0.400)"
    )
    assert _log_line(StoryMerged(MERGE, ("event-3",))).startswith(
        "merge: story-1, story-2 -> story-1 (its events are as close to those of story-1"
    )
