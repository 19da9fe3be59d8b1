from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from tests.conftest import synthetic_article

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("STORYLINE_ENRICH_ON_INGEST", "false")
    monkeypatch.setenv("STORYLINE_INGEST_WORKERS", "1")
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(2)
    (folder / "a.txt").write_text("First headline\n\n" + synthetic_article(rng), encoding="utf-8")
    (folder / "b.txt").write_text("Second headline\n\n" + synthetic_article(rng), encoding="utf-8")
    return folder


def test_ingest_list_show(env: Path) -> None:
    result = runner.invoke(app, ["ingest", str(env), "--published", "2020-05-01", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert (report["added"], report["rejected"]) == (2, [])
    listed = runner.invoke(app, ["articles", "--json"])
    rows = json.loads(listed.stdout)
    assert sorted(r["title"] for r in rows) == ["First headline", "Second headline"]
    shown = runner.invoke(app, ["show", rows[0]["id"], "--json"])
    detail = json.loads(shown.stdout)
    for key in (
        "id",
        "title",
        "text",
        "raw",
        "published",
        "source",
        "authors",
        "language",
        "edits",
    ):
        assert key in detail
    assert detail["published"] == "2020-05-01"
    assert detail["raw"].startswith(detail["title"])
    assert not detail["text"].startswith(detail["title"])


def test_rejected_input_exits_1_and_is_listed(env: Path) -> None:
    (env / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(env)])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr
    listed = runner.invoke(app, ["rejected", "--json"])
    assert [Path(r["origin"]).name for r in json.loads(listed.stdout)] == ["empty.txt"]


def test_errors_are_one_line_and_exit_2(env: Path) -> None:
    assert runner.invoke(app, ["ingest", str(env)]).exit_code == 0
    result = runner.invoke(app, ["show", "no-such-id"])
    assert result.exit_code == 2
    assert "no article with id 'no-such-id'" in result.stderr
    bad = runner.invoke(app, ["--set", "dedupe.threshold=7", "stats"])
    assert bad.exit_code == 2
    assert "dedupe.threshold" in bad.stderr
    date = runner.invoke(app, ["ingest", str(env), "--published", "yesterday"])
    assert date.exit_code == 2
    assert "--published must be an ISO date" in date.stderr


def test_stats_and_settings(env: Path) -> None:
    runner.invoke(app, ["ingest", str(env), "--source", "Example"])
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats["articles"] == 2
    assert stats["by_source"] == {"Example": 2}
    settings = json.loads(runner.invoke(app, ["settings", "--json"]).stdout)
    assert {"name": "db", "env": "STORYLINE_DB"}.items() <= settings[0].items()


def test_bench_unknown_task(env: Path) -> None:
    result = runner.invoke(app, ["bench", "nope", str(env)])
    assert result.exit_code == 2
    assert "unknown benchmark 'nope'" in result.stderr


def test_reingest_fills_a_missing_date_and_outlet_but_overwrites_neither(env: Path) -> None:
    first = env / "a.txt"
    assert runner.invoke(app, ["ingest", str(first)]).exit_code == 0
    again = runner.invoke(
        app, ["ingest", str(first), "--published", "2016-10-15", "--source", "Bloomberg"]
    )
    assert again.exit_code == 0, again.output
    assert "1 already in the store (1 of them now dated, 1 of them now with an outlet)" in (
        again.stdout
    )
    assert "storyline recluster" in again.stdout
    (row,) = json.loads(runner.invoke(app, ["articles", "--json"]).stdout)
    assert (row["published"], row["source"]) == ("2016-10-15", "Bloomberg")
    other = runner.invoke(
        app, ["ingest", str(first), "--published", "2020-01-01", "--source", "Other", "--json"]
    )
    report = json.loads(other.stdout.strip().splitlines()[-1])
    assert (report["unchanged"], report["dated"], report["sourced"]) == (1, 0, 0)
    (row,) = json.loads(runner.invoke(app, ["articles", "--json"]).stdout)
    assert (row["published"], row["source"]) == ("2016-10-15", "Bloomberg")
