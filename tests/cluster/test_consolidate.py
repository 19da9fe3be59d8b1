"""Consolidation: events whose articles form two separate groups are split, others kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from storyline.cluster.changes import Merged, Move
from storyline.cluster.consolidate import (
    MIN_PART,
    bisect,
    merge_events,
    similarity_matrix,
    split_event,
    within_mean,
)
from storyline.cluster.features import Features
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.params import ClusterParams
from storyline.cluster.similarity import Vocabulary

FIRED = {"coach": 3, "fired": 3, "season": 2, "slide": 2, "loss": 2}
HIRED = {"coach": 3, "hired": 3, "introduced": 2, "contract": 2, "return": 2}
OTHER = {"budget": 3, "parliament": 3, "vote": 2, "tax": 2, "deficit": 2}


def _article(article_id: str, terms: dict[str, int], person: str) -> Features:
    return Features(
        article_id=article_id,
        terms={**terms, f"detail{article_id}": 1},
        entities={f"person:{person}": 3.0, "org:club": 1.0},
    )


def _two_happenings() -> list[Features]:
    """Two coaching changes at one club, interleaved as a stream would bring them."""
    fired = [_article(f"f{i}", FIRED, "maurice cheeks") for i in range(3)]
    hired = [_article(f"h{i}", HIRED, "jim brien") for i in range(3)]
    return [item for pair in zip(fired, hired, strict=True) for item in pair]


def _vocab(features: list[Features]) -> Vocabulary:
    vocab = Vocabulary()
    for item in [*features, *(_article(f"o{i}", OTHER, "ann lee") for i in range(6))]:
        vocab.add(item)
    return vocab


def test_similarity_matrix_is_symmetric_with_unit_diagonal() -> None:
    features = _two_happenings()
    matrix = similarity_matrix(features, _vocab(features))
    assert matrix.shape == (6, 6)
    assert np.allclose(matrix, matrix.T)
    assert np.allclose(np.diag(matrix), 1.0)
    assert matrix[0, 2] > matrix[0, 1]  # fired-fired closer than fired-hired


def test_bisect_separates_two_blocks_and_keeps_member_zero_in_half_zero() -> None:
    block = np.array(
        [
            [1.0, 0.1, 0.8, 0.1],
            [0.1, 1.0, 0.1, 0.7],
            [0.8, 0.1, 1.0, 0.2],
            [0.1, 0.7, 0.2, 1.0],
        ]
    )
    assert bisect(block).tolist() == [0, 1, 0, 1]


def test_an_event_of_two_happenings_splits_and_says_why() -> None:
    features = _two_happenings()
    splits = split_event(features, _vocab(features), ratio=0.65)
    assert len(splits) == 1
    split = splits[0]
    assert set(split.kept) == {"f0", "f1", "f2"} and set(split.moved) == {"h0", "h1", "h2"}
    assert split.between < 0.65 * split.within
    assert "two groups" in split.reason and f"{split.between:.3f}" in split.reason


def test_leads_and_numbers_part_two_happenings_told_in_the_same_words() -> None:
    def told(article_id: str, lead: dict[str, int], numbers: dict[str, int]) -> Features:
        item = _article(article_id, FIRED, "mark teixeira")
        return replace(item, lead_terms={**lead, "offer": 1}, numbers=numbers)

    angels = [told(f"a{i}", {"angels": 2}, {"8": 1, "160": 1, str(i): 1}) for i in range(3)]
    red_sox = [told(f"r{i}", {"sox": 2}, {"200": 1, "2008": 1}) for i in range(3)]
    features = [item for pair in zip(angels, red_sox, strict=True) for item in pair]
    vocab = _vocab(features)
    matrix = similarity_matrix(features, vocab)
    assert np.allclose(np.diag(matrix), 1.0)
    assert matrix[0, 2] > matrix[0, 1]
    splits = split_event(features, vocab, ratio=0.65)
    assert [set(s.moved) for s in splits] == [{"r0", "r1", "r2"}]
    # the same articles without leads and numbers are one happening told six times
    plain = [replace(item, lead_terms={}, numbers={}) for item in features]
    assert split_event(plain, _vocab(plain), ratio=0.65) == []


def test_one_happening_told_with_different_details_stays_whole() -> None:
    features = [_article(f"f{i}", FIRED, "maurice cheeks") for i in range(6)]
    assert split_event(features, _vocab(features), ratio=0.65) == []


def test_an_article_of_another_happening_is_evicted_alone_and_told_why() -> None:
    fired = [_article(f"f{i}", FIRED, "maurice cheeks") for i in range(5)]
    stray = _article("h0", HIRED, "jim brien")
    features = [*fired[:3], stray, *fired[3:]]
    vocab = _vocab(features)
    # a bisection cannot part one article from five (each half needs MIN_PART)
    assert split_event(features, vocab, ratio=0.65) == []
    splits = split_event(features, vocab, ratio=0.65, evict_ratio=0.4)
    assert [(set(s.kept), s.moved) for s in splits] == [({f.article_id for f in fired}, ("h0",))]
    assert splits[0].between < 0.4 * splits[0].within
    assert "article h0 stands apart" in splits[0].reason
    # one happening told with different details keeps every article
    assert split_event(fired, _vocab(fired), ratio=0.65, evict_ratio=0.4) == []


def test_strays_leave_one_at_a_time_farthest_first() -> None:
    fired = [_article(f"f{i}", FIRED, "maurice cheeks") for i in range(6)]
    hired = _article("h0", HIRED, "jim brien")
    budget = _article("x0", OTHER, "ann lee")
    features = [*fired[:2], hired, *fired[2:4], budget, *fired[4:]]
    splits = split_event(features, _vocab(features), ratio=0.65, evict_ratio=0.4)
    assert [s.moved for s in splits] == [("x0",), ("h0",)]  # the budget story is farther
    assert set(splits[-1].kept) == {f.article_id for f in fired}
    assert splits[1].within > splits[0].within  # the second is measured without the first


def test_the_first_article_anchors_its_event_and_is_never_evicted() -> None:
    stray = _article("h0", HIRED, "jim brien")
    fired = [_article(f"f{i}", FIRED, "maurice cheeks") for i in range(4)]
    features = [stray, *fired]
    # h0 is as far from the rest as in the test above, but the event keeps its first article
    assert split_event(features, _vocab(features), ratio=0.65, evict_ratio=0.4) == []


def test_ratio_zero_and_small_events_never_split() -> None:
    features = _two_happenings()
    assert split_event(features, _vocab(features), ratio=0.0) == []
    small = features[: 2 * MIN_PART - 1]
    assert split_event(small, _vocab(features), ratio=0.65) == []


def test_clusterer_consolidation_opens_a_new_event_in_the_same_story() -> None:
    features = _two_happenings()
    clusterer = OnlineClusterer(ClusterParams(event_threshold=0.0))  # online: all in one
    placements = [clusterer.assign(item) for item in features]
    assert {p.event_id for p in placements} == {"event-1"}
    moves = clusterer.consolidate(["event-1"], {f.article_id: f for f in features})
    assert [(m.source, m.target) for m in moves] == [("event-1", "event-2")]
    assert clusterer.members("event-1") == ["f0", "f1", "f2"]
    assert clusterer.members("event-2") == ["h0", "h1", "h2"]
    state = clusterer.state
    assert state.events["event-2"].story == state.events["event-1"].story == moves[0].story
    assert state.events["event-2"].profile.articles == 3
    assert state.events["event-1"].profile.articles == 3
    assert clusterer.event_of("h1") == "event-2"
    # a later article of the second happening now finds its own event first
    later = clusterer.assign(_article("h9", HIRED, "jim brien"))
    assert later.event_id == "event-2"


def test_merge_events_joins_pieces_of_one_happening_into_the_older_event() -> None:
    fired = [_article(f"f{i}", FIRED, "maurice cheeks") for i in range(6)]
    hired = [_article(f"h{i}", HIRED, "jim brien") for i in range(3)]
    vocab = _vocab([*fired, *hired])
    events = [("event-1", fired[:3]), ("event-2", hired), ("event-3", fired[3:])]
    merges = merge_events(events, vocab, ratio=0.9)
    assert [(m.kept, m.absorbed) for m in merges] == [("event-1", "event-3")]
    assert merges[0].between >= 0.9 * merges[0].within
    assert "event-1" in merges[0].reason and f"{merges[0].between:.3f}" in merges[0].reason
    assert merge_events(events, vocab, ratio=0.0) == []
    # two happenings stay apart even when one of them is a single article
    assert merge_events([("event-1", fired[:3]), ("event-2", hired[:1])], vocab, 0.9) == []


def test_clusterer_merges_back_what_an_eager_split_cut() -> None:
    # one happening; half the reports add one word, so an eager bisection has a cut
    fired = [
        _article(f"f{i}", {**FIRED, "early" if i % 2 else "late": 1}, "maurice cheeks")
        for i in range(6)
    ]
    features = {f.article_id: f for f in fired}
    params = ClusterParams(event_threshold=0.0, split_ratio=2.0, merge_ratio=0.0, pair_merge=0.0)
    clusterer = OnlineClusterer(params)
    for item in fired:
        clusterer.assign(item)
    changes = clusterer.consolidate(["event-1"], features)
    assert changes and all(isinstance(c, Move) for c in changes)  # cut into pieces
    pieces = sorted(clusterer.state.events)
    assert len(pieces) > 1
    clusterer.params = replace(params, split_ratio=0.0, merge_ratio=0.9)
    merged = clusterer.consolidate(pieces, features)
    assert merged and all(isinstance(c, Merged) for c in merged)
    state = clusterer.state
    assert sorted(state.events) == ["event-1"]
    assert sorted(clusterer.members("event-1")) == sorted(features)
    assert state.events["event-1"].profile.articles == 6
    assert state.stories.stories[state.events["event-1"].story or ""].members == ["event-1"]
    assert {c.merge.kept for c in merged if isinstance(c, Merged)} == {"event-1"}
    # the merged ids are no longer candidates; a later article finds the surviving event
    assert set(state.event_index.dropped) == set(pieces) - {"event-1"}
    later = clusterer.assign(_article("f9", FIRED, "maurice cheeks"))
    assert later.event_id == "event-1"
    assert [c.cluster_id for c in later.candidates] == ["event-1"]


def test_bisect_is_not_led_astray_by_an_outlier() -> None:
    # two blocks of three and one short report close to nothing: seeding the halves with
    # the least similar pair would cut the outlier off; the normalised cut parts the blocks
    size = 7
    matrix = np.full((size, size), 0.2)
    for block in ((0, 1, 2), (3, 4, 5)):
        for i in block:
            for j in block:
                matrix[i, j] = 0.8
    matrix[6, :] = matrix[:, 6] = 0.05
    np.fill_diagonal(matrix, 1.0)
    labels = bisect(matrix).tolist()
    assert labels[:3] == [0, 0, 0] and labels[3:6] == [1, 1, 1]


def test_events_weeks_apart_do_not_merge_however_alike() -> None:
    day = 738_000
    fired = [
        replace(_article(f"f{i}", FIRED, "maurice cheeks"), day=day + (0 if i < 3 else 40))
        for i in range(6)
    ]
    vocab = _vocab(fired)
    events = [("event-1", fired[:3]), ("event-2", fired[3:])]
    assert merge_events(events, vocab, ratio=0.9, max_gap_days=14) == []
    assert [m.absorbed for m in merge_events(events, vocab, 0.9, max_gap_days=60)] == ["event-2"]
    # an undated event has no gap to measure
    undated = [("event-1", fired[:3]), ("event-2", [replace(f, day=None) for f in fired[3:]])]
    assert len(merge_events(undated, vocab, ratio=0.9, max_gap_days=14)) == 1


def test_weighted_bisection_matches_the_unweighted_one_on_repeated_members() -> None:
    # an event of k articles weighed k cuts like k identical members would
    matrix = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.2], [0.1, 0.2, 1.0]])
    assert bisect(matrix, np.array([3.0, 1.0, 2.0])).tolist() == [0, 0, 1]
    assert within_mean(matrix, np.array([True, False, False]), np.array([3.0, 1.0, 2.0])) != (
        within_mean(matrix, np.array([True, True, False]), np.array([3.0, 1.0, 2.0]))
    )


def test_an_event_lasts_no_longer_than_event_span_days() -> None:
    day = 738_000
    reports = [
        replace(_article(f"f{i}", FIRED, "maurice cheeks"), day=day + 5 * i) for i in range(5)
    ]
    clusterer = OnlineClusterer(ClusterParams(event_active_days=14, event_span_days=14))
    placed = [clusterer.assign(item).event_id for item in reports]
    # days 0, 5, 10 make one event; day 15 would stretch it to 15 days: a new event
    assert placed[:3] == ["event-1"] * 3
    assert placed[3] == placed[4] != "event-1"
    unbounded = OnlineClusterer(ClusterParams(event_active_days=14, event_span_days=0))
    assert {unbounded.assign(item).event_id for item in reports} == {"event-1"}
    # merging may not build a longer event than the online pass could
    vocab = _vocab(reports)
    pieces = [("event-1", reports[:3]), ("event-2", reports[3:])]
    assert merge_events(pieces, vocab, 0.9, max_gap_days=14, max_span_days=14) == []
    assert len(merge_events(pieces, vocab, 0.9, max_gap_days=14, max_span_days=30)) == 1
