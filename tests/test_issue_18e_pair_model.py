"""Issue 18 (events): the learned event pair model and the merges it makes."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from storyline.bench.pair_model import fit_without, topic_examples
from storyline.cluster.changes import Merged
from storyline.cluster.features import Features
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.pair_model import (
    FEATURES,
    PairModel,
    feature_matrices,
    learned_merges,
    learned_split,
    load_pair_model,
    model_from_json,
)
from storyline.cluster.params import ClusterParams
from storyline.cluster.similarity import Vocabulary
from storyline.errors import SettingsError

QUAKE = {"earthquake": 3, "magnitude": 2, "struck": 2, "tremor": 1, "buildings": 1}


def _report(
    article_id: str, year: int, city: str, magnitude: float, dead: float, day: int | None = None
) -> Features:
    """One report of an earthquake: the words every quake report shares, and what tells
    one quake from another (its year, city and figures)."""
    return Features(
        article_id=article_id,
        terms={**QUAKE, f"detail{article_id}": 1, city: 1},
        entities={f"gpe:{city}": 2.0, "org:usgs": 1.0},
        lead_terms={"earthquake": 1, "struck": 1},
        numbers={str(magnitude): 1, str(int(dead)): 1},
        years=(year,),
        places=(f"city:XX:{city}", "country:XX"),
        figures=(("magnitude", magnitude), ("dead", dead)),
        day=day,
    )


def _topic(prefix: str, count: int = 4) -> tuple[list[Features], list[str]]:
    """Two sibling quakes of one topic, interleaved."""
    items, labels = [], []
    for i in range(count):
        items.append(_report(f"{prefix}a{i}", 2008, f"{prefix}north", 5.6, 10))
        labels.append(f"{prefix}/a")
        items.append(_report(f"{prefix}b{i}", 2013, f"{prefix}south", 6.1, 3))
        labels.append(f"{prefix}/b")
    return items, labels


def _vocab(items: list[Features]) -> Vocabulary:
    vocab = Vocabulary()
    for item in items:
        vocab.add(item)
    return vocab


def _fitted() -> tuple[PairModel, Vocabulary, list[Features]]:
    items: list[Features] = []
    gold: dict[str, str | None] = {}
    topics: dict[str, str | None] = {}
    for prefix in ("t1", "t2", "t3"):
        found, labels = _topic(prefix)
        items += found
        for item, label in zip(found, labels, strict=True):
            gold[item.article_id] = label
            topics[item.article_id] = prefix
    return fit_without(topic_examples(items, gold, topics), "t3"), _vocab(items), items


def test_feature_matrices_follow_the_feature_names_and_see_conflicts() -> None:
    items, _ = _topic("t")
    matrices = list(feature_matrices(items, _vocab(items)))
    assert len(matrices) == len(FEATURES)
    named = dict(zip(FEATURES, matrices, strict=True))
    # items 0 and 2 are one quake, 0 and 1 the sibling
    assert named["year_agree"][0, 2] == 1 and named["year_conflict"][0, 2] == 0
    assert named["year_conflict"][0, 1] == 1 and named["city_conflict"][0, 1] == 1
    assert named["country_agree"][0, 1] == 1  # one country: no conflict there
    assert named["figure_agree"][0, 2] == 1 and named["figure_conflict"][0, 1] == 1
    undated = replace(items[0], years=(), figures=())
    again = dict(zip(FEATURES, feature_matrices([undated, items[1]], _vocab(items)), strict=True))
    assert again["year_conflict"][0, 1] == 0 and again["figure_conflict"][0, 1] == 0


def test_fitted_model_tells_sibling_happenings_apart_on_a_topic_it_never_saw() -> None:
    model, vocab, items = _fitted()
    assert model.trained_on == ("t1", "t2")
    held_out = [i for i in items if i.article_id.startswith("t3")]
    probabilities = model.probabilities(held_out, vocab)
    same = probabilities[0, 2]  # two reports of the 2008 quake
    sibling = probabilities[0, 1]  # the 2008 quake and the 2013 one
    assert same > 0.5 > sibling
    weights = dict(zip(FEATURES, model.weights, strict=True))
    assert weights["year_conflict"] < 0 < weights["year_agree"]


def test_learned_merges_join_fragments_of_one_happening_but_not_siblings() -> None:
    model, vocab, items = _fitted()
    quake = [i for i in items if i.article_id.startswith("t3a")]
    other = [i for i in items if i.article_id.startswith("t3b")]
    events = [("event-1", quake[:2]), ("event-2", other), ("event-3", quake[2:])]
    merges = learned_merges(events, vocab, 0.5, model)
    assert [(m.kept, m.absorbed, m.basis) for m in merges] == [("event-1", "event-3", "model")]
    assert merges[0].between >= 0.5
    assert "cluster.event_pair_merge 0.50" in merges[0].reason
    assert learned_merges(events, vocab, 0.0, model) == []


def test_learned_split_parts_two_sibling_happenings_and_keeps_one_whole() -> None:
    model, vocab, items = _fitted()
    held_out = [i for i in items if i.article_id.startswith("t3")]  # a, b interleaved
    split = learned_split(held_out, vocab, 0.65, model)
    assert split is not None and split.basis == "model"
    assert set(split.kept) == {i.article_id for i in held_out if "a" in i.article_id[2:]}
    assert set(split.moved) == {i.article_id for i in held_out if "b" in i.article_id[2:]}
    assert split.between < 0.5 and "event pair model finds two happenings" in split.reason
    one = [i for i in held_out if "a" in i.article_id[2:]]
    assert learned_split(one, vocab, 0.65, model) is None
    assert learned_split(held_out, vocab, 0.0, model) is None


def test_learned_merges_keep_the_event_span_cap() -> None:
    model, vocab, items = _fitted()
    quake = [i for i in items if i.article_id.startswith("t3a")]
    early = [replace(i, day=1000) for i in quake[:2]]
    late = [replace(i, day=1030) for i in quake[2:]]
    events = [("event-1", early), ("event-2", late)]
    assert learned_merges(events, vocab, 0.5, model, max_span_days=14) == []
    assert len(learned_merges(events, vocab, 0.5, model, max_span_days=60)) == 1


def test_consolidation_merges_with_the_pair_model_and_says_why() -> None:
    model, _, items = _fitted()
    stream = [i for i in items if i.article_id.startswith("t3a")]
    params = ClusterParams(
        event_threshold=2.0,
        split_ratio=0.0,
        merge_ratio=0.0,
        pair_merge=0.5,
        pair_split=0.0,
        pair_model=model,
    )
    clusterer = OnlineClusterer(params)
    for item in stream:  # every article opens an event of its own (threshold above 1)
        clusterer.assign(item)
    assert len({clusterer.event_of(i.article_id) for i in stream}) == len(stream)
    stories = {clusterer.state.events[clusterer.event_of(i.article_id) or ""].story for i in stream}
    changes = clusterer.consolidate(list(clusterer.state.events), {i.article_id: i for i in stream})
    assert len(stories) == 1  # one story: learned merges look within a story
    merged = [c for c in changes if isinstance(c, Merged)]
    assert merged and all(c.merge.basis == "model" for c in merged)
    assert len({clusterer.event_of(i.article_id) for i in stream}) == 1
    off = OnlineClusterer(replace(params, pair_merge=0.0))
    for item in stream:
        off.assign(item)
    changes = off.consolidate(list(off.state.events), {i.article_id: i for i in stream})
    assert not [c for c in changes if isinstance(c, Merged)]
    assert len({off.event_of(i.article_id) for i in stream}) == len(stream)


def test_shipped_model_loads_and_a_mismatched_file_is_refused() -> None:
    model = load_pair_model()
    assert model.features == FEATURES and len(model.weights) == len(FEATURES)
    assert len(model.trained_on) > 10  # fitted on ECB+'s topics
    assert model_from_json(model.to_json()) == model
    data = json.loads(model.to_json())
    data["features"] = ["terms"]
    with pytest.raises(SettingsError, match=r"python -m storyline\.bench\.pair_model"):
        model_from_json(json.dumps(data))
    assert np.isfinite(model.bias)
