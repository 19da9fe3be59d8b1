"""Issue 19: writers are serialised by the store's writer lock; a waiting writer says for
whom it waits; two ingests into one store at once both work and lose nothing;
``stats --json`` shows enriched, placed and pending."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

from storyline.cluster.online import state_from_dict
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article

_ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "STORYLINE_INGEST_WORKERS": "1"}


def _write(path: Path, prefix: str, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"{prefix} report {i}: " + synthetic_article(rng, 60)
            record = {"id": f"{prefix}{i}", "text": text, "published": f"2020-01-{i % 28 + 1:02d}"}
            handle.write(json.dumps(record) + "\n")


def _storyline(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline", *args]


def test_a_waiting_writer_names_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    SQLiteStore(db).close()
    holder = tmp_path / "hold.py"
    holder.write_text(
        textwrap.dedent(
            f"""
            import sys
            from storyline.store.sqlite import SQLiteStore
            store = SQLiteStore({str(db)!r})
            with store.exclusive("cluster"):
                print("holding", flush=True)
                sys.stdin.readline()  # held until the test says the writer waits
            """
        )
    )
    _write(tmp_path / "a.jsonl", "a", 5, 1)
    with subprocess.Popen(
        [sys.executable, str(holder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_ENV,
    ) as hold:
        assert hold.stdin is not None and hold.stdout is not None
        assert hold.stdout.readline().strip() == "holding"
        with subprocess.Popen(
            _storyline("--db", str(db), "ingest", "--no-enrich", str(tmp_path / "a.jsonl")),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=_ENV,
        ) as ingest:
            assert ingest.stderr is not None
            seen = []
            for line in ingest.stderr:  # however long the machine takes to get there
                seen.append(line)
                if "waiting for" in line:
                    break
            assert ingest.poll() is None, "".join(seen)  # still waiting, not finished
            hold.stdin.write("go\n")
            hold.stdin.close()
            rest = ingest.stderr.read()
            assert ingest.wait(timeout=120) == 0, "".join(seen) + rest
    assert f"waiting for cluster by pid {hold.pid}" in "".join(seen)
    store = SQLiteStore(db)
    assert store.count_articles() == 5


def test_two_ingests_at_once_both_land_and_stats_show_progress(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    _write(tmp_path / "a.jsonl", "a", 40, 1)
    _write(tmp_path / "b.jsonl", "b", 40, 2)
    runs = [
        subprocess.Popen(
            _storyline("--db", str(db), "ingest", str(tmp_path / f"{name}.jsonl")),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**_ENV, "STORYLINE_ENRICH_WORKERS": "1"},
        )
        for name in ("a", "b")
    ]
    errors = []
    for run in runs:
        _, stderr = run.communicate(timeout=600)
        errors.append(stderr)
        assert run.returncode == 0, stderr
    assert not any("database is locked" in e or "Traceback" in e for e in errors)
    stats = json.loads(
        subprocess.run(
            _storyline("--db", str(db), "stats", "--json"),
            capture_output=True,
            text=True,
            env=_ENV,
            check=True,
        ).stdout
    )
    assert stats["articles"] == 80
    assert stats["enriched"] == 80 and stats["placed"] == 80 and stats["pending"] == 0
    store = SQLiteStore(db)
    placements = store.placements()
    assert len(placements) == 80  # nobody's placements were overwritten
    events = {row.id for row in store.list_clusters("event", limit=None)}
    assert set(placements.values()) <= events
    saved = store.load_cluster_state()
    assert saved is not None
    state = state_from_dict(json.loads(saved[1]))
    assert state.article_events == placements  # the saved state knows every placement


def test_stats_counts_pending(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    _write(tmp_path / "a.jsonl", "a", 4, 3)
    subprocess.run(
        _storyline("--db", str(db), "ingest", "--no-enrich", str(tmp_path / "a.jsonl")),
        env=_ENV,
        check=True,
        capture_output=True,
    )
    stats = SQLiteStore(db).stats()
    assert (stats.enriched, stats.placed, stats.pending) == (0, 0, 4)
