from __future__ import annotations

from pathlib import Path

import pytest

from storyline.bench.quotes import (
    GoldAttribution,
    Tally,
    parse_ann,
    run,
    score_document,
)
from storyline.enrich.quotes.find import Attribution
from storyline.errors import BenchError
from storyline.settings import Settings
from tests.conftest import assert_floors

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "quotes" / "polnear" / "dev"

TEXT = "Anna Bell said that the plan failed. Officials said prices rose sharply on Monday."
#       0         1         2         3         4         5         6         7         8
#       0123456789012345678901234567890123456789012345678901234567890123456789012345678901

ANN = (
    "T1\tSource 0 9\tAnna Bell\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 35\tthat the plan failed\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tSource 37 46\tOfficials\n"
    "T6\tCue 47 51\tsaid\n"
    "T7\tContent 52 58;59 63\tprices rose\n"
    "E2\tCue:T6 Source:T5 Content:T7\n"
    "#1\tAnnotatorNotes T7\ta note\n"
)


def _attribution(start: int, end: int, source: tuple[int, int]) -> Attribution:
    return Attribution(start, end, "indirect", -1, -1, source[0], source[1])


def test_parse_ann_reads_events_and_discontinuous_spans() -> None:
    gold = parse_ann(ANN)
    assert gold == (
        GoldAttribution(content=((15, 35),), source=((0, 9),)),
        GoldAttribution(content=((52, 58), (59, 63)), source=((37, 46),)),
    )
    assert TEXT[15:35] == "that the plan failed"
    assert TEXT[52:58] + " " + TEXT[59:63] == "prices rose"


def test_score_document_matches_by_half_of_the_longer_span() -> None:
    predicted = [
        # 3 of gold's 4 tokens, 3 >= 4/2: a match, and the speaker overlaps "Anna Bell"
        _attribution(20, 35, (0, 4)),
        # 2 common tokens but 5 predicted: 2 < 5/2, no match
        _attribution(52, 81, (37, 46)),
        # nothing in common
        _attribution(0, 9, (-1, -1)),
    ]
    tally = Tally()
    score_document(TEXT, parse_ann(ANN), predicted, tally)
    assert (tally.gold, tally.predicted, tally.matched) == (2, 3, 1)
    assert (tally.source_pairs, tally.source_hits) == (1, 1)


def test_run_scores_a_tiny_folder(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "doc_ab12.ann").write_text(ANN, encoding="utf-8")
    result = run(tmp_path, Settings())
    assert result["documents"] == 1
    assert result["gold"] == 2
    assert result["matched"] == 1  # "that the plan failed"; the other runs to "Monday"
    assert result["content_p"] == 0.5
    assert result["content_r"] == 0.5
    assert result["source_acc"] == 1.0
    assert set(result) >= {"content_f1", "predicted", "seconds"}


def test_run_names_a_missing_layout(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="text/"):
        run(tmp_path, Settings())


@pytest.mark.slow
def test_dev_targets() -> None:
    if not DEV.is_dir():
        pytest.skip("PolNeAR dev data is not present")
    result = run(DEV, Settings())
    assert_floors("quotes/polnear-dev", result)
