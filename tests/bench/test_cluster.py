"""The cluster benchmark: B-cubed, pairwise F1 and ARI by hand, and a run from scratch."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from storyline.bench.cluster import (
    LEVELS,
    adjusted_rand,
    arrival_order,
    bcubed,
    pairwise_f1,
    run,
    score_level,
)
from storyline.errors import BenchError
from storyline.models import Article
from storyline.settings import Settings
from tests.conftest import assert_floors

GOLD = ["A", "A", "A", "B", "B"]
PRED = [1, 1, 2, 2, 2]


def test_bcubed_by_hand() -> None:
    # precision: items 1-2 -> 1, item 3 -> 1/3, items 4-5 -> 2/3; recall mirrors it
    precision, recall, f1 = bcubed(PRED, GOLD)
    assert math.isclose(precision, 11 / 15)
    assert math.isclose(recall, 11 / 15)
    assert math.isclose(f1, 11 / 15)
    assert bcubed(GOLD, GOLD) == (1.0, 1.0, 1.0)
    singletons = bcubed(list(range(5)), GOLD)
    assert singletons[0] == 1.0 and math.isclose(singletons[1], (3 * 1 / 3 + 2 * 1 / 2) / 5)


def test_pairwise_f1_by_hand() -> None:
    # predicted pairs 1 + 3, gold pairs 3 + 1, shared pairs: (1,2) and (4,5)
    assert math.isclose(pairwise_f1(PRED, GOLD), 2 * 2 / 8)
    assert pairwise_f1(GOLD, GOLD) == 1.0
    assert pairwise_f1([1, 2], ["x", "y"]) == 1.0


def test_adjusted_rand_by_hand() -> None:
    # index 2, expected 4 * 4 / 10 = 1.6, max 4: (2 - 1.6) / (4 - 1.6)
    assert math.isclose(adjusted_rand(PRED, GOLD), 0.4 / 2.4)
    assert adjusted_rand(GOLD, GOLD) == 1.0
    assert adjusted_rand(list(range(4)), ["g"] * 4) == 0.0
    assert adjusted_rand(["x", "y", "x", "y"], ["a", "a", "b", "b"]) < 0


def test_score_level_scores_only_labelled_articles() -> None:
    predicted = {"a": "e1", "b": "e1", "c": "e2", "d": "e2"}
    gold: dict[str, str | None] = {"a": "g1", "b": "g1", "c": None, "d": "g2", "e": "g2"}
    scores = score_level(predicted, gold)
    # "e" was never clustered: it counts as a cluster of its own
    assert scores["clusters"] == 3 and scores["gold_clusters"] == 2
    assert scores["bcubed_p"] == 1.0
    assert scores["bcubed_r"] == round((1 + 1 + 0.5 + 0.5) / 4, 4)


def test_arrival_order_puts_unknown_dates_last_and_breaks_ties_by_id() -> None:
    def art(article_id: str, published: str | None) -> Article:
        return Article(id=article_id, text="x", raw="x", published=published)

    ordered = arrival_order(
        [art("b", "2020-01-02"), art("z", None), art("c", "2020-01-01"), art("a", "2020-01-02")]
    )
    assert [a.id for a in ordered] == ["c", "a", "b", "z"]


def test_arrival_order_follows_the_input_records_dates_when_given() -> None:
    # "b" got a date from its text at ingest, but its record had none: it still comes last
    articles = [
        Article(id="b", text="x", raw="x", published="2001-01-01"),
        Article(id="a", text="x", raw="x", published=None),
        Article(id="c", text="x", raw="x", published="2020-01-01"),
    ]
    ordered = arrival_order(articles, {"a": None, "b": None, "c": "2020-01-01"})
    assert [a.id for a in ordered] == ["c", "a", "b"]


def test_run_on_a_small_synthetic_set(tmp_path: Path) -> None:
    topics = {
        "quake": "An earthquake of magnitude {n} shook the coastal province, collapsing "
        "buildings while rescuers searched the rubble for survivors.",
        "vote": "Parliament approved the budget by {n} votes after the coalition agreed "
        "on taxes, the finance minister told lawmakers.",
    }
    records = []
    for i in range(6):
        topic = "quake" if i % 2 == 0 else "vote"
        text = " ".join(topics[topic].format(n=i + k) for k in range(3))
        records.append(
            {
                "id": f"s{i}",
                "title": None,
                "text": text,
                "published": f"2021-05-0{1 + i // 2}",
                "source": "Wire",
                "url": None,
                "event": topic,
                "story": None,
            }
        )
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    result = run(tmp_path, Settings().with_overrides({"enrich.workers": 1}))
    assert result["articles"] == 6
    assert "story" not in result
    assert result["event"]["gold_clusters"] == 2
    assert result["event"]["bcubed_f1"] == 1.0
    assert set(result) >= {"seconds", "articles_per_second", "ingest_seconds", "enrich_seconds"}


def test_run_without_articles_file_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match=r"articles\.jsonl"):
        run(tmp_path, Settings())


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "basil",
        "ecbplus",
        # t17 enriches 3.8 million words (about ten minutes on 2 cores): `pytest -m bench`
        pytest.param("t17", marks=pytest.mark.bench),
    ],
)
def test_cluster_floor_on_development_sets(shared_data: Path, name: str) -> None:
    result = run(shared_data / "cluster" / name, Settings(), by_topic=name == "t17")
    flat = {
        f"{level}_{key}": value
        for level in LEVELS
        if level in result
        for key, value in result[level].items()
    }
    assert_floors(f"cluster/{name}", flat)
    if name == "t17":  # every topic keeps its story floor; few on-topic articles alone
        stories = result["by_topic"]["story"]
        for topic, scores in stories["topics"].items():
            assert_floors(f"cluster/{topic}", {"story_bcubed_f1": scores["bcubed_f1"]})
        assert stories["max_singletons"] <= 0.03
