"""Issue 19: SIGKILL ``storyline ingest`` at random moments (ingest, enrichment,
clustering), then run it once more: every article stored once, enriched once, placed in
exactly one event, the clusterer state agreeing with the placements, ``PRAGMA
integrity_check`` ok, and no storyline process left after any kill.

The default run makes 5 kills in one store of 60 articles; ``pytest -m bench`` makes 50
over 5 stores of 90 (figures in docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from storyline.cluster.online import state_from_dict
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article


@dataclass
class KillReport:
    kills: int = 0
    phases: dict[str, int] = field(default_factory=dict)
    leftover_processes: int = 0
    stores: int = 0


def _write_inputs(folder: Path, seed: int, articles: int) -> set[str]:
    rng = random.Random(seed)
    folder.mkdir()
    ids = set()
    for part in range(3):
        with (folder / f"part{part}.jsonl").open("w", encoding="utf-8") as handle:
            for i in range(articles // 3):
                key = f"k{part}-{i}"
                ids.add(key)
                topic = rng.choice(["Geneva talks", "Paris floods", "Lagos vote", "Oslo strike"])
                text = f"{topic}: officials said on Monday that {i} people " + synthetic_article(
                    rng, 80
                )
                day = f"2021-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"
                handle.write(json.dumps({"id": key, "text": text, "published": day}) + "\n")
    return ids


def _marked(db: Path) -> list[int]:
    """Live processes started for this store (the CLI and its forked workers)."""
    found = []
    needle = str(db).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().split(")")[-1].split()[0]
        except (OSError, IndexError):
            continue
        if needle in cmdline and state != "Z":
            found.append(int(entry))
    return found


def _phase(db: Path, total: int) -> str:
    """The work the store was in the middle of when the kill came."""
    if not db.exists():
        return "starting"
    store = SQLiteStore(db)
    try:
        stats = store.stats()
        unenriched = len(store.unenriched_ids(total + 1))
    finally:
        store.close()
    if stats.articles < total:
        return "ingesting"
    if unenriched:
        return "enriching"
    if stats.placed < total:
        return "clustering"
    return "finishing"  # consolidation, or the end of the run


def _counts(db: Path) -> tuple[int, int, int]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            articles, enriched, placed = (
                int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in ("articles", "enrichments", "placements")
            )
            return articles, enriched, placed
    except sqlite3.Error:
        return (0, 0, 0)


def _wait_for(
    db: Path, target: str, total: int, process: subprocess.Popen[bytes], *, deadline: float
) -> None:
    """Return once this run is in the ``target`` phase (or past it, or the time is up):
    it has stored articles of its own (ingesting), every article is stored (enriching),
    or every article is enriched (clustering). Counts left by earlier runs do not count."""
    stored_before = _counts(db)[0]
    while time.monotonic() < deadline and process.poll() is None:
        articles, enriched, _ = _counts(db)
        if target == "ingesting" and (articles > stored_before or articles == total):
            return
        if target == "enriching" and articles == total:
            return
        if target == "clustering" and enriched == total:
            return
        time.sleep(0.02)


def _command(db: Path, inputs: Path) -> list[str]:
    return [sys.executable, "-m", "storyline", "--db", str(db), "ingest", str(inputs)]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "STORYLINE_INGEST_WORKERS": "2",
        "STORYLINE_ENRICH_WORKERS": "2",
        "STORYLINE_INGEST_BATCH_SIZE": "10",
        "STORYLINE_ENRICH_BATCH_SIZE": "8",
        "COLUMNS": "200",
    }


def _kill_cycle(
    folder: Path, kills: int, articles: int, rng: random.Random, report: KillReport
) -> None:
    inputs = folder / "in"
    ids = _write_inputs(inputs, rng.randrange(1 << 30), articles)
    db = folder / "kill.db"
    started = time.monotonic()
    subprocess.run(
        [*_command(folder / "probe.db", inputs)], env=_env(), capture_output=True, check=False
    )
    whole = time.monotonic() - started  # one uninterrupted run, to spread the kills over
    targets = [("ingesting", "enriching", "clustering")[k * 3 // kills] for k in range(kills)]
    for target in targets:
        with subprocess.Popen(
            _command(db, inputs), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ) as process:
            _wait_for(db, target, len(ids), process, deadline=time.monotonic() + whole * 3)
            # storing takes well under a second, so a kill aimed at it comes at once
            time.sleep(rng.uniform(0.0, 0.02 if target == "ingesting" else 0.3))
            process.send_signal(signal.SIGKILL)
            process.wait()
        phase = _phase(db, len(ids))
        report.kills += 1
        report.phases[phase] = report.phases.get(phase, 0) + 1
        deadline = time.monotonic() + 10
        while _marked(db) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _marked(db)
        report.leftover_processes += len(left)
        for pid in left:  # ours: clean up so the next kill starts clean
            os.kill(pid, signal.SIGKILL)
    final = subprocess.run(_command(db, inputs), env=_env(), capture_output=True, timeout=900)
    assert final.returncode == 0, final.stderr.decode()[-3000:]
    _check_store(db, ids)
    report.stores += 1


def _check_store(db: Path, ids: set[str]) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = SQLiteStore(db)
    try:
        stats = store.stats()
        assert stats.articles == len(ids)  # 0 lost, 0 duplicated (and no strangers)
        assert store.existing_ids(ids) == ids
        assert (stats.enriched, stats.placed, stats.pending) == (len(ids), len(ids), 0)
        placements = store.placements()
        assert set(placements) == ids  # each article in exactly one event
        events = {row.id: row for row in store.list_clusters("event", limit=None)}
        assert set(placements.values()) <= set(events)
        counted = {e: 0 for e in events}
        for event in placements.values():
            counted[event] += 1
        assert all(events[e].articles == n for e, n in counted.items())
        saved = store.load_cluster_state()
        assert saved is not None
        assert state_from_dict(json.loads(saved[1])).article_events == placements
    finally:
        store.close()


def run_kills(
    folder: Path, *, stores: int, kills_per_store: int, articles: int = 150, seed: int = 19
) -> KillReport:
    rng = random.Random(seed)
    report = KillReport()
    for number in range(stores):
        cycle = folder / f"store{number}"
        cycle.mkdir()
        _kill_cycle(cycle, kills_per_store, articles, rng, report)
    return report


def test_kills_lose_nothing(tmp_path: Path) -> None:
    report = run_kills(tmp_path, stores=1, kills_per_store=5, articles=60)
    assert report.kills == 5 and report.leftover_processes == 0


@pytest.mark.bench
def test_kills_lose_nothing_many_times(tmp_path: Path) -> None:
    report = run_kills(tmp_path, stores=5, kills_per_store=10, articles=90)
    print(json.dumps(report.__dict__))
    assert report.kills == 50 and report.leftover_processes == 0
    assert {"ingesting", "enriching", "clustering"} <= set(report.phases)
