"""Scrapinghub-style scoring of article bodies, and the benchmark on the real set."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storyline.bench.extract import metrics, run, score, shingle_counts
from storyline.errors import BenchError
from storyline.settings import load_settings
from tests.conftest import assert_floors

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "extract" / "scrapinghub"


def test_identical_texts_are_all_true_positives() -> None:
    assert shingle_counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)


def test_one_wrong_word_at_the_end() -> None:
    # true shingles {abcd, bcde}, predicted {abcd, bcdx}: tp 1, fp 1, fn 1, then / 3
    assert shingle_counts("a b c d e", "a b c d x") == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_repeated_shingles_are_counted() -> None:
    # "a a a a a" has the shingle aaaa twice, "a a a a" once: tp 1, fn 1
    assert shingle_counts("a a a a a", "a a a a") == (0.5, 0.0, 0.5)


def test_texts_shorter_than_a_shingle_form_one_shingle() -> None:
    assert shingle_counts("Hello, world!", "hello world") == (0.0, 0.5, 0.5)
    assert shingle_counts("Hello, world!", "Hello world") == (1.0, 0.0, 0.0)


def test_empty_cases() -> None:
    assert shingle_counts("", "") == (0.0, 0.0, 0.0)
    assert shingle_counts("a b c d", "") == (0.0, 0.0, 1.0)
    assert shingle_counts("", "a b c d") == (0.0, 1.0, 0.0)


def test_metrics_skip_pages_without_prediction_or_gold() -> None:
    counts = [(1.0, 0.0, 0.0), (1 / 3, 1 / 3, 1 / 3), (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)]
    counts.append((0.0, 1.0, 0.0))
    # precision over pages 1, 2, 5: (1 + 0.5 + 0) / 3; recall over pages 1, 2, 3: same
    result = metrics(counts)
    assert result == pytest.approx({"f1": 0.5, "precision": 0.5, "recall": 0.5})


def test_score_with_accuracy() -> None:
    truth = {
        "same": {"articleBody": "a b c d e"},
        "one-off": {"articleBody": "a b c d e"},
        "missed": {"articleBody": "hello world"},
        "both-empty": {"articleBody": ""},
        "spurious": {"articleBody": ""},
    }
    predicted = {"same": "a, b; c d e!", "one-off": "a b c d x", "missed": ""}
    predicted |= {"both-empty": "", "spurious": "spam"}
    result = score(truth, predicted)
    assert result == pytest.approx({"f1": 0.5, "precision": 0.5, "recall": 0.5, "accuracy": 0.4})


def test_score_needs_the_same_pages() -> None:
    with pytest.raises(BenchError, match="exactly the pages"):
        score({"a": {"articleBody": "x"}}, {"b": "x"})


def test_run_reports_a_missing_page(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": "x"}}))
    with pytest.raises(BenchError, match="p1"):
        run(tmp_path, load_settings(environ={}))


def test_run_on_a_tiny_synthetic_set(tmp_path: Path) -> None:
    pytest.importorskip("storyline.ingest.clean")
    body = (
        "The museum reopened its east wing on Saturday after a two-year restoration that "
        "uncovered painted ceilings hidden under layers of plaster since the last century."
    )
    (tmp_path / "html").mkdir()
    with gzip.open(tmp_path / "html" / "p1.html.gz", "wt", encoding="utf-8") as handle:
        handle.write(f"<html><body><nav><a href='/'>Home</a></nav><p>{body}</p></body></html>")
    truth = {"p1": {"articleBody": body, "url": "https://museum.example/east-wing"}}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    result = run(tmp_path, load_settings(environ={}))
    assert result["pages"] == 1
    assert result["extraction"]["f1"] == 1.0
    assert result["f1"] == 1.0


@pytest.mark.slow
def test_scrapinghub_f1_floor() -> None:
    if not DATA.is_dir():
        pytest.skip(f"benchmark data not found at {DATA}")
    pytest.importorskip("storyline.ingest.clean")
    result = run(DATA, load_settings(environ={}))
    assert result["pages"] == 91
    assert result["extraction"]["f1"] >= 0.97
    assert_floors("extract/scrapinghub", result)
