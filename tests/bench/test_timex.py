"""The timex benchmark: TimeML parsing, TempEval-3 scoring, and the targets on TBAQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.bench.timex import parse_timeml, run, score_document, summarise
from storyline.errors import BenchError
from storyline.models import TimeExpr
from storyline.settings import Settings
from tests.conftest import assert_floors

_DOC = """<?xml version="1.0" ?>
<TimeML>
<DCT><TIMEX3 tid="t0" type="DATE" value="2016-09-06" functionInDocument="CREATION_TIME">
Sept. 6</TIMEX3></DCT>
<TEXT>
Markets &amp; banks <EVENT eid="e1">closed</EVENT> on <TIMEX3 tid="t1" type="DATE"
value="2016-09-05">Monday</TIMEX3> and will reopen in <TIMEX3 tid="t2" type="DURATION"
value="P2D">two days</TIMEX3>, officials said in <TIMEX3 tid="t3" type="DATE"
value="2016-09">early September</TIMEX3>.
</TEXT>
</TimeML>
"""

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "timex" / "tbaq"


def test_parse_timeml_gives_plain_text_offsets() -> None:
    doc = parse_timeml(_DOC)
    assert doc.dct == "2016-09-06"
    assert [g.text for g in doc.gold] == ["Monday", "two days", "early September"]
    assert all(doc.text[g.start : g.end] == g.text for g in doc.gold)
    assert "Markets & banks closed on Monday" in doc.text
    assert [g.value for g in doc.gold] == ["2016-09-05", "P2D", "2016-09"]


def test_score_document_counts_strict_relaxed_and_attributes() -> None:
    doc = parse_timeml(_DOC)
    monday, days, september = doc.gold

    def expr(start: int, end: int, kind: str, value: str) -> TimeExpr:
        return TimeExpr(start, end, doc.text[start:end], kind, value)

    predicted = [
        expr(monday.start, monday.end, "DATE", "2016-09-05"),  # strict, right value
        expr(days.start, days.end - 1, "DURATION", "P3D"),  # relaxed, wrong value
        expr(september.start + 6, september.end, "DATE", "2016-09"),  # relaxed, right
        expr(0, 7, "DATE", "PRESENT_REF"),  # false positive
    ]
    counts = score_document(doc.gold, predicted)
    assert (counts.gold, counts.predicted) == (3, 4)
    assert (counts.strict, counts.relaxed, counts.value, counts.type) == (1, 3, 2, 3)
    result = summarise(counts)
    assert result["strict_p"] == 0.25 and result["strict_r"] == pytest.approx(0.3333, abs=1e-4)
    relaxed_f1 = 2 * 0.75 * 1.0 / 1.75
    assert result["relaxed_f1"] == pytest.approx(relaxed_f1, abs=1e-4)
    assert result["value_f1"] == pytest.approx(2 / 3 * relaxed_f1, abs=1e-4)
    assert result["type_f1"] == pytest.approx(relaxed_f1, abs=1e-4)


def test_run_on_a_folder(tmp_path: Path) -> None:
    (tmp_path / "doc.tml").write_text(_DOC, encoding="utf-8")
    result = run(tmp_path, Settings())
    assert result["documents"] == 1 and result["expressions"] == 3
    assert result["relaxed_f1"] > 0.5
    assert {"strict_f1", "value_f1", "type_f1", "seconds", "predicted"} <= set(result)


def test_run_without_tml_files_is_a_bench_error(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match=r"no \.tml files"):
        run(tmp_path, Settings())


@pytest.mark.slow
@pytest.mark.parametrize("part", ["TimeBank", "AQUAINT"])
def test_targets_on_tbaq(part: str) -> None:
    folder = DATA / part
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    result = run(folder, Settings())
    assert_floors(f"timex/{part}", result)
