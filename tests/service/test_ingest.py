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


def _mixed_folder(root: Path) -> tuple[set[str], dict[str, str]]:
    """Distinct good articles in every format plus every kind of bad input."""
    import gzip

    from tests.ingest.test_readers import _warc

    rng = random.Random(11)
    good: set[str] = set()
    bad: dict[str, str] = {}

    def body() -> str:
        return synthetic_article(rng, 60)

    def write(name: str, data: bytes) -> str:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    def page() -> bytes:
        paragraphs = "".join(f"<p>{body()}</p>" for _ in range(3))
        return (
            f"<html><head><title>Report</title></head><body><nav>Home | News</nav>"
            f"<article><h1>Report</h1>{paragraphs}</article><footer>(c) Site</footer></body></html>"
        ).encode()

    good.add(write("plain.txt", f"Headline one\n\n{body()}".encode()))
    good.add(write("sub/deeper/nested.text", f"Headline two\n\n{body()}".encode()))
    good.add(
        write("cp1252.txt", f"Caf\u00e9 headline\n\n\u201cQuoted\u201d {body()}".encode("cp1252"))
    )
    good.add(write("mojibake.txt", f"Headline\n\nSyria\u00e2\u20ac\u2122s {body()}".encode()))
    good.add(write("page.html", page()))
    good.add(write("broken.htm", b"<html><body><p>" + body().encode() + b" <div><b>unclosed"))
    good.add(write("zipped.html.gz", gzip.compress(page())))
    items = "".join(
        f"<item><title>Item {i}</title><link>http://g.test/{i}</link>"
        f"<description>{body()}</description></item>"
        for i in (1, 2)
    )
    feed = write(
        "feed.rss",
        f"<rss version='2.0'><channel><title>Feed</title>{items}</channel></rss>".encode(),
    )
    good |= {f"{feed}#1 http://g.test/1", f"{feed}#2 http://g.test/2"}
    lines = [
        json.dumps({"id": "j1", "text": body()}),
        "{oops",
        json.dumps({"id": "j2", "text": body()}),
    ]
    jsonl = write("records.jsonl", "\n".join(lines).encode())
    good |= {f"{jsonl}:1", f"{jsonl}:3"}
    bad[f"{jsonl}:2"] = "not valid JSON"
    table = write("records.csv", f'id,text\nc1,"{body()}"\n'.encode())
    good.add(f"{table}:2")
    warc = write("crawl.warc.gz", _warc({"http://w.test/a": page()}))
    good.add(f"{warc}#1 http://w.test/a")

    bad[write("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100))] = "binary data (PNG image)"
    bad[write("data.bin", bytes(range(256)))] = "binary data"
    bad[write("empty.txt", b"")] = "empty file"
    bad[write("big.txt", b"word " * 5000)] = "over ingest.max_bytes"
    bad[write("broken.rss", b"<rss><channel><title>cut")] = "feed"
    bad[write("fake.html.gz", page())] = "not gzip-compressed"
    bad[write("bad.warc.gz", b"\x1f\x8b\x08\x00" + b"garbage" * 20)] = "corrupt"
    bad[write("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")] = "article"
    return good, bad


def test_mixed_folder_every_good_file_stored_every_bad_one_reported(tmp_path: Path) -> None:
    good, bad = _mixed_folder(tmp_path)
    store = SQLiteStore(memory=True)
    settings = SETTINGS.with_overrides({"ingest.max_bytes": 20_000})
    report = service.ingest(store, [str(tmp_path)], settings)
    stored = store.list_articles(ArticleFilter(limit=None))
    assert {a.origin for a in stored} == good
    reasons = {r.origin: r.reason for r in report.rejected}
    assert set(reasons) == set(bad)
    for origin, expected in bad.items():
        assert expected in reasons[origin], (origin, reasons[origin])
    assert {a.format for a in stored} == {"text", "html", "rss", "jsonl", "csv", "warc"}
    texts = {Path(a.origin).name: a.text for a in stored}
    assert "\u201cQuoted\u201d" in texts["cp1252.txt"]
    assert "Syria\u2019s" in texts["mojibake.txt"]


def test_earlier_copy_in_a_later_run_becomes_the_original(tmp_path: Path) -> None:
    """Regression (web load test): relinking a stored original to a copy that arrives in
    a later run, dated earlier, failed its foreign key (the relink ran before the copy
    was written)."""
    rng = random.Random(9)
    body = synthetic_article(rng, 150)
    late = tmp_path / "late.jsonl"
    late.write_text(json.dumps({"id": "late", "text": body, "published": "2020-03-05"}))
    early = tmp_path / "early.jsonl"
    early.write_text(json.dumps({"id": "early", "text": body, "published": "2020-03-01"}))
    store = SQLiteStore(tmp_path / "s.db")
    service.ingest(store, [str(late)], SETTINGS)
    report = service.ingest(store, [str(early)], SETTINGS)
    assert report.added == 1
    assert store.get_article("early").duplicate_of is None
    assert store.get_article("late").duplicate_of == "early"


def test_dating_a_stored_article_resolves_its_relative_times(tmp_path: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text(
        "Millbrook votes\n\nMayor Anna Kent of Millbrook said on Monday that the council "
        "will vote on the flood barrier next week.\n",
        encoding="utf-8",
    )
    store = SQLiteStore(tmp_path / "dated.db")
    settings = load_settings({"ingest.workers": 1, "enrich.workers": 1}, environ={})
    service.ingest(store, [str(path)], settings)
    service.enrich(store, settings)
    (article,) = store.list_articles(service.ArticleFilter())
    before = store.get_enrichment(article.id)
    assert before is not None and article.published is None
    monday = next(t for t in before.times if t.text == "Monday")
    assert monday.value is None  # nothing to anchor it to yet
    options = service.IngestOptions(published="2021-06-09", source="Valley News")
    report = service.ingest(store, [str(path)], settings, options)
    assert (report.added, report.unchanged, report.dated, report.sourced) == (0, 1, 1, 1)
    after = store.get_enrichment(article.id)
    assert after is not None
    assert next(t for t in after.times if t.text == "Monday").value == "2021-06-07"
    assert store.get_article(article.id).source == "Valley News"
