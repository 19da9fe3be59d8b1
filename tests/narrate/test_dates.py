"""Dating sentences and ranking dates with the shipped date model (issue 18)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from storyline.errors import SettingsError
from storyline.models import Article, TimeExpr
from storyline.narrate.date_model import (
    FEATURES,
    DateModel,
    features,
    fit_date_model,
    load_date_model,
    model_from_json,
)
from storyline.narrate.dates import Window, candidates, dated_sentences, period_of, rank_dates


def _dated(article_id: str, published: str, text: str, times: list[tuple[str, str]]) -> list:
    article = Article(id=article_id, text=text, raw=text, published=published, source="Wire")
    exprs = []
    for phrase, value in times:
        start = text.index(phrase)
        exprs.append(TimeExpr(start, start + len(phrase), phrase, "DATE", value))
    return dated_sentences(article, sorted(exprs, key=lambda t: t.start), Window())


def test_period_of_names_days_weeks_months_and_years() -> None:
    assert period_of("2016-09-05").granularity == "day"  # type: ignore[union-attr]
    assert period_of("2016-W36").first.isoformat() == "2016-09-05"  # type: ignore[union-attr]
    assert period_of("2016-02").last.isoformat() == "2016-02-29"  # type: ignore[union-attr]
    assert period_of("2016-02-30") is None and period_of("PRESENT_REF") is None


def test_later_articles_count_only_when_they_name_the_day_by_calendar() -> None:
    sentences = [
        *_dated(
            "a",
            "2021-03-08",
            "The bridge collapsed on Monday in heavy rain.",
            [("on Monday", "2021-03-08")],
        ),
        *_dated(
            "b",
            "2021-03-15",
            "The bridge that collapsed on March 8 will be rebuilt.",
            [("March 8", "2021-03-08")],
        ),
        *_dated(
            "c",
            "2021-03-16",
            "A week after the collapse on Monday the road reopened.",
            [("on Monday", "2021-03-08")],
        ),
    ]
    (found,) = candidates(sentences)
    assert found.period.value == "2021-03-08"
    assert (found.naming, found.later, found.leads) == (3.0, 1.0, 0.0)
    assert found.after == 2.0  # b and c were published late enough to look back on it


def test_background_dates_enter_only_when_many_articles_name_them() -> None:
    birthday = "The minister, born on August 29, 1958, said the dam would be repaired soon."
    stories = [
        sentence
        for i in range(2)
        for sentence in _dated(
            f"s{i}", f"2021-03-{10 + i}", birthday, [("August 29, 1958", "1958-08-29")]
        )
    ]
    recent = _dated(
        "r",
        "2021-03-12",
        "The talks of February 2021 failed to end the row.",
        [("February 2021", "2021-02")],
    )
    values = [c.period.value for c in candidates([*stories, *recent])]
    assert "1958-08-29" not in values and "2021-02" in values
    # nor do dates after the last report (what was announced has not happened yet)
    ahead = _dated(
        "f",
        "2021-03-12",
        "The council will vote on the repairs on May 3.",
        [("May 3", "2021-05-03")],
    )
    assert candidates(ahead) == []
    many = [
        sentence
        for i in range(4)
        for sentence in _dated(
            f"m{i}", f"2021-03-{10 + i}", birthday, [("August 29, 1958", "1958-08-29")]
        )
    ]
    assert "1958-08-29" in [c.period.value for c in candidates(many)]


def test_a_sentence_counts_by_its_relevance() -> None:
    sentences = _dated(
        "a",
        "2021-03-08",
        "The bridge collapsed on Monday in the heavy rain.",
        [("on Monday", "2021-03-08")],
    )
    half = [replace(s, relevance=0.5) for s in sentences]
    assert candidates(half)[0].naming == 0.5


def test_features_are_log_counts_over_the_collection_maximum() -> None:
    x = features([(0, 0, 0, 40, 9), (1, 3, 0, 40, 1), (3, 1, 0, 40, 0)])
    assert x.shape == (3, len(FEATURES))
    assert x[2, 0] == 1.0 and x[1, 1] == 1.0 and np.allclose(x[:, 2], 0.0)
    assert np.isclose(x[1, 0], np.log(2) / np.log(4))
    near = FEATURES.index("near")  # articles published around the date, scaled the same way
    assert x[0, near] == 1.0 and np.isclose(x[1, near], np.log(2) / np.log(10)) and x[2, near] == 0


def test_later_share_judges_a_late_date_by_the_reports_that_could_look_back() -> None:
    # an early date named later by 10 of the 200 articles after it, a late one by 4 of 8
    x = features([(20, 10, 5, 200, 3), (6, 4, 2, 8, 3), (6, 0, 2, 190, 3)])
    share = x[:, FEATURES.index("later_share")]
    assert share.max() == 0.0 and share[1] == 0.0  # the late date has the larger share
    assert share[0] > share[2]  # and a date nobody looked back on has the smallest
    assert x[0, FEATURES.index("later")] > x[1, FEATURES.index("later")]  # raw counts disagree
    # a handful of articles proves little: pseudo-counts keep 1 of 1 below 30 of 60
    few = features([(1, 1, 0, 1, 0), (40, 30, 0, 60, 0), (1, 0, 0, 200, 0)])
    assert few[1, 3] > few[0, 3]


def test_fit_finds_the_signal_and_round_trips() -> None:
    rng = np.random.default_rng(7)
    examples = []
    for _ in range(6):
        naming = rng.integers(0, 20, 60)
        noise = rng.integers(0, 20, (60, 2))
        counts = [
            (float(n), float(a), float(b), 50.0, 5.0)
            for n, (a, b) in zip(naming, noise, strict=True)
        ]
        labels = [bool(n >= 14) for n in naming]
        examples.append((counts, labels))
    model = fit_date_model(examples, trained_on=["synthetic"])
    assert model.weights[0] > 0.9 and all(abs(w) < 0.1 for w in model.weights[1:])  # noise
    assert model_from_json(model.to_json()) == model
    scores = model.score([(19.0, 0.0, 0.0, 50.0, 5.0), (1.0, 19.0, 19.0, 50.0, 5.0)])
    assert scores[0] > scores[1]
    with pytest.raises(ValueError, match="no candidate dates"):
        fit_date_model([([], [])])
    with pytest.raises(ValueError, match="groups"):
        fit_date_model(examples, groups=["one"])


def test_each_topic_weighs_the_same_in_the_fit() -> None:
    """A topic with many timelines does not outvote one with a single timeline."""
    loud = ([(float(n), 0.0, 0.0, 50.0, 0.0) for n in range(20)], [n >= 15 for n in range(20)])
    quiet = ([(0.0, 0.0, float(n), 50.0, 0.0) for n in range(20)], [n >= 15 for n in range(20)])
    examples = [loud] * 5 + [quiet]
    pooled = fit_date_model(examples)  # six collections, each its own group: 5 to 1
    balanced = fit_date_model(examples, groups=["loud"] * 5 + ["quiet"])  # 1 to 1
    naming, leads = FEATURES.index("naming"), FEATURES.index("leads")
    assert pooled.weights[naming] > 2 * pooled.weights[leads]
    assert np.isclose(balanced.weights[naming], balanced.weights[leads], rtol=1e-3)


def test_a_model_of_another_version_is_refused_with_the_fix() -> None:
    text = DateModel((1.0, 1.0, 1.0), version="dates.lr.v2").to_json()
    with pytest.raises(SettingsError, match=r"storyline\.bench\.tls_model"):
        model_from_json(text)


def test_the_shipped_model_was_fitted_on_the_development_topics() -> None:
    model = load_date_model()
    assert set(model.trained_on) == {"EgyptianProtest", "H1N1", "LibyaWar", "MJ", "bpoil"}
    assert all(w > 0 for w in model.weights)  # every kind of evidence counts for a date


def test_rank_dates_orders_by_the_model() -> None:
    sentences = [
        *_dated(
            "a",
            "2021-03-09",
            "The bridge collapsed on March 8 after the storm.",
            [("March 8", "2021-03-08")],
        ),
        *_dated(
            "b",
            "2021-03-12",
            "Divers searched the river where it fell on March 8.",
            [("March 8", "2021-03-08")],
        ),
        *_dated(
            "c",
            "2021-03-12",
            "The council met on March 10 to discuss the bridge.",
            [("March 10", "2021-03-10")],
        ),
    ]
    ranked = rank_dates(sentences)
    assert [p.value for p, _ in ranked] == ["2021-03-08", "2021-03-10"]
    assert ranked[0][1] > ranked[1][1]
    assert rank_dates([]) == []
