from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from storyline.cluster.features import Features
from storyline.cluster.online import ClusterState, OnlineClusterer, state_from_dict, state_to_dict
from storyline.cluster.params import ClusterParams, params_from_settings
from storyline.errors import InputError
from storyline.settings import Settings

QUAKE = {"earthquake": 4, "magnitude": 3, "richter": 2, "rubble": 2, "rescuer": 2}
VOTE = {"parliament": 4, "ballot": 3, "budget": 3, "coalition": 2, "minister": 2}
FLOOD = {"flood": 4, "river": 3, "levee": 2, "evacuation": 2, "rainfall": 2}


def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def _article(
    article_id: str,
    terms: dict[str, int],
    entities: dict[str, float] | None = None,
    day: str | None = "2020-03-01",
    duplicate_of: str | None = None,
) -> Features:
    filler = {f"filler{article_id[-1]}": 1}
    return Features(
        article_id=article_id,
        day=_day(day) if day else None,
        terms={**terms, **filler},
        entities=entities or {},
        duplicate_of=duplicate_of,
    )


def _stream() -> list[Features]:
    return [
        _article("a1", QUAKE, {"place:country:TR": 3}),
        _article("a2", VOTE, {"org:parliament": 2}),
        _article("a3", QUAKE, {"place:country:TR": 2}),
        _article("a4", FLOOD, {"place:country:DE": 2}),
        _article("a5", VOTE, {"org:parliament": 1}),
        _article("a6", QUAKE, {"place:country:TR": 1}, duplicate_of="a1"),
    ]


def test_articles_on_one_happening_share_an_event_others_open_new_ones() -> None:
    clusterer = OnlineClusterer()
    placements = {f.article_id: clusterer.assign(f) for f in _stream()}
    assert placements["a1"].new_event and placements["a1"].event_id == "event-1"
    assert placements["a3"].event_id == "event-1" and not placements["a3"].new_event
    assert placements["a2"].event_id == placements["a5"].event_id == "event-2"
    assert placements["a4"].event_id == "event-3"
    assert placements["a3"].score >= clusterer.params.event_threshold
    assert placements["a3"].story_id == placements["a1"].story_id


def test_syndicated_copy_joins_its_original_event() -> None:
    clusterer = OnlineClusterer()
    placements = [clusterer.assign(f) for f in _stream()]
    copy = placements[-1]
    assert copy.duplicate_of == "a1" and copy.event_id == "event-1"
    assert clusterer.state.events["event-1"].members == ["a1", "a3", "a6"]


def test_no_look_ahead_later_articles_do_not_change_earlier_placements() -> None:
    stream = _stream()
    short = OnlineClusterer()
    early = [(p.event_id, p.story_id, p.score) for p in map(short.assign, stream[:3])]
    full = OnlineClusterer()
    later = [(p.event_id, p.story_id, p.score) for p in map(full.assign, stream)]
    assert later[:3] == early


def test_ids_are_stable_across_snapshot_and_restore() -> None:
    stream = _stream()
    straight = OnlineClusterer()
    expected = [(p.event_id, p.story_id, p.new_event) for p in map(straight.assign, stream)]
    first = OnlineClusterer()
    for item in stream[:3]:
        first.assign(item)
    saved = json.loads(json.dumps(state_to_dict(first.snapshot())))
    assert saved["producer"] == "cluster.online.v1"
    resumed = OnlineClusterer(first.params, state_from_dict(saved))
    rest = [(p.event_id, p.story_id, p.new_event) for p in map(resumed.assign, stream[3:])]
    assert rest == expected[3:]


def test_same_words_far_apart_in_time_open_a_new_event() -> None:
    clusterer = OnlineClusterer()
    first = clusterer.assign(_article("b1", QUAKE, day="2020-01-01"))
    later = clusterer.assign(_article("b2", QUAKE, day="2020-02-15"))
    assert later.new_event and later.event_id != first.event_id
    assert later.story_id == first.story_id  # a story lasts longer than an event


def test_undated_articles_are_compared_without_time_decay() -> None:
    clusterer = OnlineClusterer()
    clusterer.assign(_article("c1", FLOOD, day=None))
    joined = clusterer.assign(_article("c2", FLOOD, day=None))
    assert not joined.new_event
    assert joined.candidates[0].signals.gap_days is None


def test_conflicting_years_lower_the_score() -> None:
    base = OnlineClusterer()
    base.assign(dataclasses.replace(_article("d1", QUAKE), years=(2008,)))
    same = base.assign(dataclasses.replace(_article("d2", QUAKE), years=(2008,)))
    other = OnlineClusterer()
    other.assign(dataclasses.replace(_article("d1", QUAKE), years=(2008,)))
    conflict = other.assign(dataclasses.replace(_article("d2", QUAKE), years=(2013,)))
    assert conflict.candidates[0].signals.date_conflict
    assert conflict.score < same.score


def test_an_article_given_twice_is_refused() -> None:
    clusterer = OnlineClusterer()
    clusterer.assign(_article("e1", VOTE))
    with pytest.raises(InputError, match="e1"):
        clusterer.assign(_article("e1", VOTE))


def test_params_take_their_defaults_from_the_settings_table() -> None:
    assert params_from_settings(Settings()) == ClusterParams()
    assert params_from_settings(None) == ClusterParams()
    defaults = ClusterParams()
    assert defaults.event_threshold == Settings()["cluster.event_threshold"]
    assert defaults.story.merge_core == Settings()["cluster.story_merge_core"]
    changed = params_from_settings(Settings().with_overrides({"cluster.story_days": 30}))
    assert changed.story.scale_days == 30.0 and changed.event_days == defaults.event_days


def test_candidate_retrieval_is_bounded() -> None:
    params = ClusterParams(posting_cap=3, candidates=2)
    clusterer = OnlineClusterer(params)
    for i in range(10):
        clusterer.assign(_article(f"f{i}", {f"topic{i}": 5, "shared": 1}, day=None))
    state: ClusterState = clusterer.state
    assert all(len(posting) <= 3 for posting in state.event_index.postings.values())
    last = clusterer.assign(_article("g1", {"shared": 3, "other": 1}, day=None))
    assert len(last.candidates) <= 2


def test_a_state_from_another_producer_is_refused() -> None:
    saved = state_to_dict(OnlineClusterer().snapshot())
    saved["producer"] = "cluster.other.v9"
    with pytest.raises(InputError, match=r"cluster\.other\.v9"):
        state_from_dict(saved)


def test_a_story_the_decay_can_no_longer_reach_is_retired_with_its_events() -> None:
    params = ClusterParams()
    reach = params.story.reach_days
    assert reach is not None and 300 < reach < 500  # months, from story_days and threshold
    clusterer = OnlineClusterer(params)
    old = clusterer.assign(_article("r1", QUAKE, {"place:country:TR": 3}, day="2018-01-01"))
    flood = clusterer.assign(_article("r2", FLOOD, {"place:country:DE": 2}, day="2018-01-02"))
    fresh = clusterer.assign(_article("r3", VOTE, {"org:parliament": 2}, day="2019-06-01"))
    assert sorted(clusterer.retire()) == sorted({old.story_id, flood.story_id})
    state = clusterer.state
    assert old.story_id not in state.stories.stories and old.event_id not in state.events
    assert fresh.story_id in state.stories.stories  # a live story stays
    assert clusterer.story_of(old.event_id) == old.story_id  # still answered
    assert "place:country:TR" not in state.vocab.entities  # held by no live cluster
    assert "org:parliament" in state.vocab.entities
    assert all(old.story_id not in p for p in state.stories.index.postings.values())
    assert all(old.event_id not in p for p in state.event_index.postings.values())
    again = clusterer.assign(_article("r4", QUAKE, {"place:country:TR": 3}, day="2019-06-02"))
    assert again.new_story and again.story_id != old.story_id  # as without retirement
    saved = json.loads(json.dumps(state_to_dict(clusterer.snapshot())))
    assert state_from_dict(saved).retired == state.retired


def test_a_story_within_reach_is_not_retired() -> None:
    clusterer = OnlineClusterer()
    first = clusterer.assign(_article("s1", QUAKE, day="2020-01-01"))
    clusterer.assign(_article("s2", VOTE, day="2020-09-01"))  # 244 days on: within reach
    assert clusterer.retire() == []
    later = clusterer.assign(_article("s3", QUAKE, day="2020-09-02"))
    assert later.story_id == first.story_id  # the dormant story woke


def test_a_duplicate_of_a_retired_article_is_placed_as_a_new_article() -> None:
    clusterer = OnlineClusterer()
    clusterer.assign(_article("d1", QUAKE, day="2018-01-01"))
    clusterer.assign(_article("d2", VOTE, day="2019-06-01"))
    assert clusterer.retire()
    copy = clusterer.assign(_article("d3", QUAKE, day="2019-06-02", duplicate_of="d1"))
    assert copy.new_event and copy.duplicate_of is None
