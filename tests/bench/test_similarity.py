"""The similarity benchmark: Pearson by hand, pairs.csv reading and a run from scratch."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from storyline.bench.similarity import pearson, read_pairs, run
from storyline.errors import BenchError
from storyline.settings import Settings

FLOOR = 0.75  # pearson_overall on semeval2022-en (to move into tests/quality_floors.json)


def test_pearson_by_hand() -> None:
    assert math.isclose(pearson([1, 2, 3], [2, 4, 6]), 1.0)
    assert math.isclose(pearson([1, 2, 3], [3, 2, 1]), -1.0)
    # x = (1, 2, 3, 4), y = (1, 3, 2, 4): sxy = 4, sxx = syy = 5
    assert math.isclose(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["pair_id", "text1", "text2", "Overall"])
        writer.writeheader()
        writer.writerows(rows)


def test_read_pairs_checks_columns_and_scores(tmp_path: Path) -> None:
    (tmp_path / "pairs.csv").write_text("text1,text2\na,b\n")
    with pytest.raises(BenchError, match="Overall"):
        read_pairs(tmp_path)
    _write(tmp_path / "pairs.csv", [{"pair_id": "p", "text1": "a", "text2": "b", "Overall": "x"}])
    with pytest.raises(BenchError, match="'x'"):
        read_pairs(tmp_path)
    with pytest.raises(BenchError, match=r"pairs\.csv"):
        read_pairs(tmp_path / "nowhere")


def test_run_ranks_related_pairs_above_unrelated(tmp_path: Path) -> None:
    quake = (
        "An earthquake of magnitude {n} struck the coastal province of Vantoria on Monday, "
        "collapsing buildings while rescuers searched the rubble for survivors."
    )
    vote = (
        "Parliament in Ostrava approved the budget by {n} votes after the coalition agreed "
        "on taxes, the finance minister told lawmakers on Friday."
    )
    rows = [
        {"pair_id": "1", "text1": quake.format(n=6), "text2": quake.format(n=7), "Overall": "1"},
        {"pair_id": "2", "text1": vote.format(n=90), "text2": vote.format(n=91), "Overall": "1.5"},
        {"pair_id": "3", "text1": quake.format(n=5), "text2": vote.format(n=80), "Overall": "4"},
        {"pair_id": "4", "text1": vote.format(n=70), "text2": quake.format(n=4), "Overall": "3.5"},
    ]
    _write(tmp_path / "pairs.csv", rows)
    result = run(tmp_path, Settings().with_overrides({"enrich.workers": 1}))
    assert result["pairs"] == 4
    assert result["pearson_overall"] > 0.9


@pytest.mark.slow
def test_similarity_floor_on_semeval(shared_data: Path) -> None:
    result = run(shared_data / "similarity" / "semeval2022-en", Settings())
    assert result["pearson_overall"] >= FLOOR, result
