from __future__ import annotations

import math

import pytest

from storyline.cluster.features import Features
from storyline.cluster.similarity import (
    Profile,
    Vocabulary,
    compare,
    cosine,
    decay,
    pair_score,
    unit,
    vectorize,
)


def _doc(article_id: str, terms: dict[str, int], entities: dict[str, float]) -> Features:
    return Features(article_id=article_id, terms=terms, entities=entities)


def test_unit_and_cosine() -> None:
    a = unit({"x": 3.0, "y": 4.0})
    assert math.isclose(a["x"], 0.6) and math.isclose(cosine(a, a), 1.0)
    assert cosine(a, unit({"z": 1.0})) == 0.0
    assert unit({}) == {}


def test_idf_counts_only_arrived_documents() -> None:
    vocab = Vocabulary()
    vocab.add(_doc("a", {"common": 1, "rare": 1}, {}))
    vocab.add(_doc("b", {"common": 1}, {}))
    assert vocab.documents == 2 and vocab.terms == {"common": 2, "rare": 1}
    assert vocab.idf(vocab.terms["rare"]) > vocab.idf(vocab.terms["common"])


def test_decay_is_neutral_without_dates() -> None:
    assert decay(None, 7.0) == 1.0
    assert math.isclose(decay(7, 7.0), math.exp(-1))


def test_profile_compare_follows_shared_words() -> None:
    vocab = Vocabulary()
    docs = [
        _doc("a", {"flood": 3, "river": 2}, {"place:city:dresden": 2}),
        _doc("b", {"flood": 2, "river": 1, "levee": 1}, {"place:city:dresden": 1}),
        _doc("c", {"election": 3, "ballot": 2}, {"person:x": 1}),
    ]
    for doc in docs:
        vocab.add(doc)
    profile = Profile()
    profile.add(docs[0], vectorize(docs[0], vocab))
    near = compare(docs[1], vectorize(docs[1], vocab), profile, vocab)
    far = compare(docs[2], vectorize(docs[2], vocab), profile, vocab)
    assert near.terms > 0.5 and near.entities > 0.99
    assert far.terms == 0.0 and far.entities == 0.0


def test_pair_score_is_on_the_semeval_scale() -> None:
    vocab = Vocabulary()
    a = _doc("a", {"summit": 3, "trade": 2, "tariff": 2}, {"person:a": 1})
    b = _doc("b", {"summit": 2, "trade": 2, "tariff": 1}, {"person:a": 1})
    c = _doc("c", {"football": 3, "goal": 2}, {"org:club": 1})
    for doc in (a, b, c):
        vocab.add(doc)
    same, _ = pair_score(a, a, vocab)
    close, _ = pair_score(a, b, vocab)
    unrelated, _ = pair_score(a, c, vocab)
    assert math.isclose(same, 1.0)
    assert 1.0 <= close < 2.5
    assert unrelated == 4.0


def test_a_profile_absorbing_another_equals_one_built_from_both_articles() -> None:
    vocab = Vocabulary()
    first = Features("a", terms={"flood": 2, "river": 1}, entities={"gpe:millbrook": 1.0}, day=5)
    second = Features("b", terms={"flood": 1, "crew": 2}, years=(2021,), day=9, places=("x",))
    for item in (first, second):
        vocab.add(item)
    together, one, two = Profile(), Profile(), Profile()
    for profile, items in ((together, (first, second)), (one, (first,)), (two, (second,))):
        for item in items:
            profile.add(item, vectorize(item, vocab))
    one.absorb(two)
    assert one.articles == together.articles == 2
    assert one.terms == pytest.approx(together.terms)
    assert one.entities == together.entities
    assert (one.first_day, one.last_day) == (5, 9)
    assert one.years == {2021: 1} and one.places == {"x": 1}
