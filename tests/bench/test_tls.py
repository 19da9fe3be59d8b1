from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.bench import tls
from storyline.errors import BenchError
from storyline.narrate.timeline import CitedSentence, Timeline, TimelineEntry
from storyline.settings import load_settings
from tests.conftest import assert_floors

_ARTICLES = [
    ("n1", "2020-05-01", "The dam on the Green River burst on May 1 , 2020 , flooding two towns ."),
    ("n2", "2020-05-02", "Rescuers reached the flooded towns on Saturday after the dam burst ."),
    ("n3", "2020-05-04", "The governor declared an emergency on Monday over the flooded towns ."),
    ("n4", "2020-05-09", "Engineers began to rebuild the dam on Saturday , officials said ."),
]
_GOLD: list[tuple[str, list[str]]] = [
    ("2020-05-01", ["The Green River dam bursts , flooding two towns ."]),
    ("2020-05-04", ["The governor declares an emergency ."]),
]


def _topic_folder(root: Path) -> Path:
    folder = root / "flood"
    folder.mkdir(parents=True)
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as out:
        for article_id, day, text in _ARTICLES:
            out.write(json.dumps({"id": article_id, "time": day, "text": text}) + "\n")
    (folder / "timelines.jsonl").write_text(json.dumps(_GOLD) + "\n", encoding="utf-8")
    (folder / "keywords.json").write_text(json.dumps(["flood"]), encoding="utf-8")
    return folder


def _timeline(*items: tuple[str, str]) -> Timeline:
    return Timeline(
        tuple(
            TimelineEntry(day, (CitedSentence(text, "x", None, 0, len(text), day),))
            for day, text in items
        )
    )


def test_load_topic_reads_keywords_and_gold(tmp_path: Path) -> None:
    topic = tls.load_topic(_topic_folder(tmp_path))
    assert topic.keywords == ("flood",)
    assert topic.timelines[0][0] == ("2020-05-01", _GOLD[0][1])


def test_missing_files_name_the_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BenchError, match=r"no articles\.jsonl"):
        tls.load_topic(tmp_path / "empty")
    with pytest.raises(BenchError, match="no topic folders"):
        tls.topic_folders(tmp_path)


def test_average_takes_f1_of_mean_precision_and_recall() -> None:
    def result(p: float, r: float) -> dict[str, dict[str, float]]:
        scores = {"precision": p, "recall": r, "f_score": 0.0}
        return {"rouge_1": scores, "rouge_2": scores, "date": scores}

    averaged = tls.average([result(1.0, 0.0), result(0.0, 1.0)])
    assert averaged["date_f1"] == pytest.approx(0.5)
    assert averaged["rouge1_f"] == pytest.approx(0.5)


def test_score_of_a_perfect_and_an_empty_timeline() -> None:
    pytest.importorskip("tilse")
    gold = [(day, list(sents)) for day, sents in _GOLD]
    perfect = _timeline(*[(day, sents[0]) for day, sents in gold])
    scores = tls.score(perfect, gold)
    assert scores["date"]["f_score"] == pytest.approx(1.0)
    assert scores["rouge_1"]["f_score"] == pytest.approx(1.0)
    assert scores["rouge_2"]["f_score"] == pytest.approx(1.0)
    empty = tls.score(Timeline(), gold)
    assert empty["rouge_1"]["f_score"] == 0.0 and empty["date"]["f_score"] == 0.0


def test_run_follows_the_protocol_on_a_small_topic(tmp_path: Path) -> None:
    pytest.importorskip("tilse")
    root = tmp_path / "data"
    _topic_folder(root)
    settings = load_settings({"ingest.workers": 1}, environ={})
    result = tls.run(root, settings)
    assert result["timelines"] == 1
    assert 0.0 < result["date_f1"] <= 1.0
    assert result["rouge1_f"] > 0.0
    assert set(result["topics"]) == {"flood"}
    # the input is restricted to the gold span, so the 9 May article is never cited
    topic = tls.load_topic(root / "flood")
    corpus = tls.ingest_topic(topic, settings, tmp_path / "again.db")
    predicted = tls.predict(topic, topic.timelines[0], corpus)
    assert len(predicted.entries) <= 2
    assert all("2020-05-01" <= e.date <= "2020-05-04" for e in predicted.entries)


@pytest.mark.slow
def test_t17_smallest_topic_keeps_its_floor(shared_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("tilse")
    folder = shared_data / "tls" / "t17" / "MJ"
    if not folder.is_dir():
        pytest.skip("tls/t17/MJ is not present")
    topic = tls.load_topic(folder)
    corpus = tls.ingest_topic(topic, load_settings({}, environ={}), tmp_path / "mj.db")
    results = [tls.score(tls.predict(topic, gold, corpus), gold) for gold in topic.timelines]
    averaged = tls.average(results)
    assert averaged["date_f1"] >= 0.35
    assert averaged["rouge1_f"] >= 0.09


@pytest.mark.slow
def test_t17_all_timelines_keep_their_floors_leave_one_topic_out(shared_data: Path) -> None:
    """Issue 18: every topic scored by a date model fitted without it, each topic and the
    whole set held to their floors (the figures of docs/benchmarks.md)."""
    pytest.importorskip("tilse")
    folder = shared_data / "tls" / "t17"
    if not folder.is_dir():
        pytest.skip("tls/t17 is not present")
    result = tls.run(folder, load_settings({}, environ={}), by_topic=True)
    assert result["timelines"] == 12
    assert_floors("tls/t17", result)
    for name, scores in result["topics"].items():
        assert_floors(f"tls/t17/{name}", scores)
    assert result["worst"]["date_f1"] == min(s["date_f1"] for s in result["topics"].values())
    # each fold's weights were fitted without its topic: they differ between folds
    assert len({tuple(w) for w in result["weights"].values()}) == len(result["topics"])
