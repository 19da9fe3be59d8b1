from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline import service
from storyline.errors import InputError
from storyline.settings import load_settings
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article, write_jsonl

SETTINGS = load_settings({"ingest.workers": 1, "enrich.on_ingest": False}, environ={})


def test_ingest_twice_adds_nothing(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", 40)
    store = SQLiteStore(memory=True)
    first = service.ingest(store, [str(tmp_path / "a.jsonl")], SETTINGS)
    second = service.ingest(store, [str(tmp_path / "a.jsonl")], SETTINGS)
    assert (first.added, first.unchanged) == (40, 0)
    assert (second.added, second.unchanged) == (0, 40)
    assert store.count_articles() == 40
    article = store.get_article("doc-00003")
    assert article.labels == {"event": "e3"}
    assert article.published == "2020-01-04"


def test_run_metadata_applies_to_every_file(tmp_path: Path) -> None:
    rng = random.Random(1)
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(
            f"Headline of {name}\n\n{synthetic_article(rng)}\n", encoding="utf-8"
        )
    store = SQLiteStore(memory=True)
    options = service.IngestOptions(published="2016-10-15", source="Example News")
    report = service.ingest(store, [str(tmp_path)], SETTINGS, options)
    assert report.added == 2
    found = store.list_articles(ArticleFilter())
    assert {a.published for a in found} == {"2016-10-15"}
    assert {a.source for a in found} == {"Example News"}
    assert {a.title for a in found} == {"Headline of one.txt", "Headline of two.txt"}


def test_bad_published_option_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--published.*'15/10/2016'"):
        service.ingest(
            SQLiteStore(memory=True),
            [str(tmp_path)],
            SETTINGS,
            service.IngestOptions(published="15/10/2016"),
        )


def test_syndicated_copies_link_to_the_earliest(tmp_path: Path) -> None:
    rng = random.Random(3)
    body = synthetic_article(rng, 200)
    records = [
        {"id": "late", "text": body, "published": "2020-02-03", "source": "Paper B"},
        {"id": "early", "text": body, "published": "2020-02-01", "source": "Wire A"},
        {"id": "near", "text": body + " Additional reporting by staff.", "published": "2020-02-05"},
        {"id": "other", "text": synthetic_article(rng, 200), "published": "2020-02-02"},
    ]
    path = tmp_path / "copies.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    store = SQLiteStore(memory=True)
    report = service.ingest(store, [str(path)], SETTINGS)
    assert report.added == 4
    assert store.get_article("early").duplicate_of is None
    late = store.get_article("late")
    assert (late.duplicate_of, late.duplicate_kind) == ("early", "exact")
    near = store.get_article("near")
    assert (near.duplicate_of, near.duplicate_kind) == ("early", "near")
    assert store.get_article("other").duplicate_of is None
    # nothing is dropped: all four are listed, three without copies
    assert len(store.list_articles(ArticleFilter(duplicates=False))) == 2


def test_duplicates_across_runs(tmp_path: Path) -> None:
    rng = random.Random(4)
    body = synthetic_article(rng, 150)
    (tmp_path / "one.jsonl").write_text(json.dumps({"id": "x1", "text": body}), encoding="utf-8")
    (tmp_path / "two.jsonl").write_text(json.dumps({"id": "x2", "text": body}), encoding="utf-8")
    store = SQLiteStore(memory=True)
    service.ingest(store, [str(tmp_path / "one.jsonl")], SETTINGS)
    report = service.ingest(store, [str(tmp_path / "two.jsonl")], SETTINGS)
    assert report.duplicates == 1
    assert store.get_article("x2").duplicate_of == "x1"


def test_rejections_are_recorded_and_the_batch_goes_on(tmp_path: Path) -> None:
    rng = random.Random(5)
    (tmp_path / "good.txt").write_text("A headline\n\n" + synthetic_article(rng), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    store = SQLiteStore(memory=True)
    report = service.ingest(store, [str(tmp_path)], SETTINGS)
    assert report.added == 1
    origins = sorted(Path(r.origin).name for r in report.rejected)
    assert origins == ["empty.txt", "image.png"]
    assert all(r.reason for r in report.rejected)
    assert sorted(Path(r.origin).name for r in store.rejections()) == origins


def test_worker_processes_give_the_same_result(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", 120)
    one, two = SQLiteStore(memory=True), SQLiteStore(memory=True)
    service.ingest(one, [str(tmp_path / "a.jsonl")], SETTINGS)
    parallel = SETTINGS.with_overrides({"ingest.workers": 2})
    report = service.ingest(two, [str(tmp_path / "a.jsonl")], parallel)
    assert report.added == 120
    assert [a.id for a in one.list_articles(ArticleFilter(limit=None))] == [
        a.id for a in two.list_articles(ArticleFilter(limit=None))
    ]
    assert one.get_article("doc-00077") == two.get_article("doc-00077")


def test_sigkill_mid_run_then_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    write_jsonl(source, 3000)
    db = tmp_path / "kill.db"
    env = {**os.environ, "STORYLINE_INGEST_BATCH_SIZE": "50", "STORYLINE_INGEST_WORKERS": "1"}
    command = [
        sys.executable,
        "-m",
        "storyline",
        "--db",
        str(db),
        "ingest",
        "--no-enrich",
        str(source),
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    committed = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    committed = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
            if committed >= 100:
                break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 100 <= partial < 3000
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM articles"
        ).fetchone()
        orphans = conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN fingerprints f ON f.article_id = a.id "
            "WHERE f.article_id IS NULL"
        ).fetchone()[0]
    assert (total, distinct, orphans) == (3000, 3000, 0)
