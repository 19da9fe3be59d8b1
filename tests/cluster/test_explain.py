from __future__ import annotations

from storyline.cluster.explain import describe
from storyline.cluster.features import Features
from storyline.cluster.online import OnlineClusterer

MEETING = {"talk": 4, "ceasefire": 3, "geneva": 2, "minister": 2}


def _meeting(article_id: str, day: int, entity_weight: float) -> Features:
    return Features(
        article_id=article_id,
        day=day,
        terms={**MEETING, f"word{article_id}": 1},
        entities={"person:john kerry": entity_weight, "person:sergei lavrov": 1.0},
        places=("country:CH", "city:CH:geneva"),
    )


def test_explanation_names_shared_entities_terms_gap_places_and_threshold() -> None:
    clusterer = OnlineClusterer()
    clusterer.assign(_meeting("m1", 736000, 3.0))
    placement = clusterer.assign(_meeting("m2", 736001, 2.0))
    evidence = placement.event_evidence
    assert evidence is not None and evidence.cluster_id == placement.event_id
    assert {k for k, _ in evidence.shared_entities} == {
        "person:john kerry",
        "person:sergei lavrov",
    }
    assert "talk" in {k for k, _ in evidence.shared_terms}
    assert evidence.signals.gap_days == 1
    assert evidence.shared_places == ("country:CH", "city:CH:geneva")
    text = "\n".join(describe(placement, {"person:john kerry": "John Kerry"}))
    assert "article m2" in text
    assert f"event {placement.event_id} (joined)" in text
    assert f"vs threshold {clusterer.params.event_threshold:.3f}" in text
    assert "John Kerry" in text and "sergei lavrov" in text
    assert "time gap: 1 day(s)" in text
    assert "shared places: country:CH, city:CH:geneva" in text
    # the story is named once, on its evidence line
    assert [line.split()[:2] for line in text.splitlines()].count(["story", "story-1"]) == 1


def test_explanation_of_an_undated_article_says_the_gap_is_unknown() -> None:
    clusterer = OnlineClusterer()
    clusterer.assign(_meeting("m1", 736000, 3.0))
    undated = Features(
        article_id="m2",
        day=None,
        terms=MEETING,
        entities={"person:john kerry": 1.0, "person:sergei lavrov": 1.0},
    )
    text = "\n".join(describe(clusterer.assign(undated)))
    assert "event event-1 (joined)" in text
    assert "time gap: unknown (the article has no date), so no time decay" in text


def test_explanation_of_a_new_event_says_so() -> None:
    clusterer = OnlineClusterer()
    placement = clusterer.assign(_meeting("m1", 736000, 1.0))
    text = "\n".join(describe(placement))
    assert "opened new event event-1" in text
    assert "no open event shared its heaviest terms" in text
    assert "story story-1 (opened with this article's event)" in text


def test_explanation_of_a_copy_points_at_its_original() -> None:
    clusterer = OnlineClusterer()
    clusterer.assign(_meeting("m1", 736000, 1.0))
    copy = Features(article_id="m9", day=736000, terms=MEETING, duplicate_of="m1")
    text = "\n".join(describe(clusterer.assign(copy)))
    assert "copy of m1" in text
