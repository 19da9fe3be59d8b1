"""Issue 19: long articles are enriched in pieces or cut (recorded); an article that fails
is recorded and skipped, never a poison pill; worker processes die with their parent."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from storyline import service
from storyline.enrich.pipeline import split_pieces
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article


def _ingest(tmp_path: Path, records: list[dict[str, str]]) -> SQLiteStore:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    store = SQLiteStore(tmp_path / "t.db")
    settings = load_settings({"ingest.workers": 1, "enrich.on_ingest": False}, environ={})
    service.ingest(store, [str(path)], settings)
    return store


def test_split_pieces_gives_the_text_back_and_respects_the_bound() -> None:
    rng = random.Random(3)
    text = "\n\n".join(synthetic_article(rng, rng.randint(5, 400)) for _ in range(40))
    for size in (1000, 1777, 5000):
        pieces = split_pieces(text, size)
        assert "".join(pieces) == text
        assert all(0 < len(p) <= size for p in pieces)
    assert split_pieces("x" * 2500, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]


def test_a_long_article_is_enriched_in_pieces_with_true_offsets(tmp_path: Path) -> None:
    rng = random.Random(8)
    paragraphs = [
        f"Mayor Anna Kent of Millbrook met John Kerry in Geneva on day {i}. "
        + synthetic_article(rng, 60)
        for i in range(30)
    ]
    text = "\n\n".join(paragraphs)
    store = _ingest(tmp_path, [{"id": "long", "text": text, "published": "2021-06-08"}])
    settings = load_settings({"enrich.workers": 1, "enrich.piece_chars": 1000}, environ={})
    report = service.enrich(store, settings)
    assert report.articles == 1 and report.rejected == ()
    article = store.get_article("long")
    enrichment = store.get_enrichment("long")
    assert enrichment is not None and not enrichment.producer.endswith("failed")
    assert len(article.text) > 10 * 1000
    kent = [m for m in enrichment.mentions if m.text == "Anna Kent"]
    assert len(kent) >= 25
    for mention in enrichment.mentions:
        assert article.text[mention.start : mention.end] == mention.text


def test_a_cut_is_recorded(tmp_path: Path) -> None:
    text = "\n\n".join(
        f"Officials in Paris said on Monday that talks number {i} went on late." for i in range(60)
    )
    store = _ingest(tmp_path, [{"id": "cut", "text": text}])
    settings = load_settings({"enrich.workers": 1, "enrich.max_chars": 1000}, environ={})
    report = service.enrich(store, settings)
    assert len(report.rejected) == 1
    assert "enriched the first 1,000 of" in report.rejected[0].reason
    assert any("article cut" in r.origin for r in store.rejections())
    enrichment = store.get_enrichment("cut")
    assert enrichment is not None and enrichment.mentions
    assert max(m.end for m in enrichment.mentions) <= 1000


def test_failed_articles_are_recorded_and_not_retried(tmp_path: Path) -> None:
    rng = random.Random(4)
    records = [
        {"id": f"a{i}", "text": f"Story {i}. " + synthetic_article(rng, 80)} for i in range(6)
    ]
    store = _ingest(tmp_path, records)
    # a watchdog no article can meet: every article fails, each is recorded and skipped
    tight = load_settings({"enrich.workers": 1, "ingest.item_timeout": 1e-6}, environ={})
    report = service.enrich(store, tight)
    assert report.articles == 6 and len(report.rejected) == 6
    assert all("ingest.item_timeout" in p.reason for p in report.rejected)
    assert store.unenriched_ids(10) == []  # not a poison pill: nothing left to retry
    assert service.enrich(store, tight).articles == 0
    failed = store.get_enrichment("a0")
    assert failed is not None and failed.producer.endswith("| failed")
    clustered = service.cluster(store, load_settings({}, environ={}))
    assert clustered.articles == 6  # placed all the same, by their words
    assert len(store.placements()) == 6


def _storyline_children(root: int) -> list[int]:
    """Pids of live processes whose parent chain reaches ``root`` or PID 1 orphans of it."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        if f"issue19-marker-{root}".encode() in cmdline and "State:\tZ" not in status:
            found.append(int(entry))
    return found


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, time
            from storyline.service.workers import worker_pool

            def work(x):
                time.sleep(60)
                return x

            if __name__ == "__main__":
                with worker_pool(3) as pool:
                    futures = [pool.submit(work, i) for i in range(3)]
                    print("started", flush=True)
                    time.sleep(60)
            """
        )
    )
    marker = f"issue19-marker-{os.getpid()}"
    parent = subprocess.Popen(
        [sys.executable, str(script), marker], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None and parent.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 10
    while len(_storyline_children(os.getpid())) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_storyline_children(os.getpid())) == 4  # the parent and its 3 workers
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while _storyline_children(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _storyline_children(os.getpid()) == []
