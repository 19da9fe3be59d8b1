"""The scaling benchmark: shifted copies of a set, and the store sizes it measures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from storyline.bench import run_bench
from storyline.bench.scaling import check_fits, replica, sizes, stream
from storyline.cluster.features import Features
from storyline.errors import BenchError
from storyline.settings import Settings

DAY = date(2021, 5, 1).toordinal()


def _features(article_id: str, day: int | None, duplicate_of: str | None = None) -> Features:
    return Features(
        article_id=article_id,
        day=day,
        terms={"quake": 2},
        entities={"place:city:JP:sendai": 1.0},
        event_days=() if day is None else (day - 1,),
        years=() if day is None else (2021,),
        duplicate_of=duplicate_of,
    )


def test_replica_moves_every_date_and_renames_the_article() -> None:
    original = _features("a", DAY, duplicate_of="b")
    assert replica(original, 0, 999) is original
    copy = replica(original, 3, 730)
    assert copy.article_id == "a~3" and copy.duplicate_of == "b~3"
    assert copy.day == DAY + 730 and copy.event_days == (DAY - 1 + 730,)
    assert copy.years == (2023,)
    assert copy.terms == original.terms
    assert copy.entities == {"place:city:JP:sendai~3": 1.0}
    undated = replica(_features("u", None), 2, 730)
    assert undated.day is None and undated.event_days == () and undated.article_id == "u~2"


def test_stream_repeats_the_set_after_its_span_and_a_pause() -> None:
    items = [_features("a", DAY), _features("b", DAY + 10)]
    out = list(stream(items, 5, pause_days=400))
    assert [f.article_id for f in out] == ["a", "b", "a~1", "b~1", "a~2"]
    # publication span: DAY to DAY + 10 = 10 days, plus the pause (event days follow)
    assert out[2].day == DAY + 410 and out[4].day == DAY + 820
    assert out[2].event_days == (DAY - 1 + 410,)
    assert len({f.article_id for f in stream(items, 50, pause_days=1)}) == 50


def test_a_stream_past_the_calendar_is_refused_before_the_replay() -> None:
    # a set spanning ten years: each copy moves ten years and a pause on
    items = [_features("a", DAY), _features("b", DAY + 3650)]
    check_fits(items, 1000, pause_days=400)  # 500 copies: about the year 7600
    with pytest.raises(BenchError, match=r"does not fit in the calendar.*bench\.scale_max"):
        check_fits(items, 10_000, pause_days=400)
    last = list(stream(items, 1000, pause_days=400))[-1]
    assert last.day is not None and date.fromordinal(last.day).year < 10_000


def test_sizes_are_a_hundredth_a_tenth_and_all() -> None:
    assert sizes(100_000) == [1_000, 10_000, 100_000]
    assert sizes(40) == [2, 4, 40]
    assert sizes(1_000_000) == [1_000, 10_000, 100_000, 1_000_000]
    assert sizes(30_000) == [300, 1_000, 3_000, 10_000, 30_000]


def test_run_on_a_small_synthetic_set(tmp_path: Path) -> None:
    records = [
        {
            "id": f"s{i}",
            "title": None,
            "text": f"An earthquake of magnitude {i} shook the coastal province of Miyagi, "
            "collapsing buildings while rescuers searched the rubble for survivors.",
            "published": f"2021-05-0{1 + i}",
            "source": "Wire",
            "url": None,
            "event": "quake",
            "story": None,
        }
        for i in range(4)
    ]
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    settings = Settings().with_overrides({"enrich.workers": 1, "bench.scale_max": 200})
    result = run_bench("scaling", tmp_path, settings)
    assert result["articles"] == 200 and result["originals"] == 4 and result["copies"] == 50
    assert set(result["ms_per_article"]) == {"2", "20", "200"}
    assert all(ms > 0 for ms in result["ms_per_article"].values())
    assert result["growth"] > 0 and result["seconds"] > 0
    # every copy is a later stretch of news: its articles open their own events; with the
    # same words and no entities to tell them apart, the copies wake the one dormant story
    # (stories do not expire, issue 18)
    assert result["events"] >= 50 and result["stories"] == 1


def test_run_needs_an_articles_file(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match=r"articles\.jsonl"):
        run_bench("scaling", tmp_path, Settings())
