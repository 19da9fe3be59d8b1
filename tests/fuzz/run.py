"""Run the fuzz corpus through the real CLI in bounded batches and report (issue 19).

Each batch folder (``generate``) is one ``storyline ingest --no-enrich`` process with a
time limit; then one ``storyline enrich`` and one ``storyline cluster`` over the whole
store. Counted: ``inputs`` (files and special entries written), ``stored`` (articles),
``rejected`` (rejection rows), ``crashes`` (a process that exits non-zero or prints a
traceback), ``hangs`` (a process past its time limit), ``unaccounted`` (inputs with
neither an article nor a rejection naming them), ``integrity`` (``PRAGMA
integrity_check``), ``peak_rss_mb`` (the largest child process) and ``seconds``.

``python -m tests.fuzz.run --count 10000`` prints the report as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from storyline.ingest.files import display_path
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore
from tests.fuzz.generate import generate

_INDEX = re.compile(r"/batch\d{4}/(\d{6})-")
_SPECIAL = re.compile(r"/(batch\d{4})/(zz-[a-z\-.]+)")


@dataclass
class FuzzReport:
    inputs: int = 0
    stored: int = 0
    rejected: int = 0
    crashes: int = 0
    hangs: int = 0
    unaccounted: int = 0
    enriched: int = 0
    placed: int = 0
    pending: int = 0
    integrity: str = ""
    peak_rss_mb: float = 0.0
    seconds: float = 0.0
    batches: int = 0
    failures: list[str] = field(default_factory=list)


def _run(args: list[str], env: dict[str, str], timeout: float, report: FuzzReport) -> None:
    command = [sys.executable, "-m", "storyline", *args]
    with subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            report.hangs += 1
            report.failures.append(f"hang: {' '.join(args)}")
            return
    text = stderr.decode("utf-8", "replace")
    if process.returncode not in (0, 1) or "Traceback" in text:  # 1: something was rejected
        report.crashes += 1
        report.failures.append(f"exit {process.returncode}: {' '.join(args)}: {text[-2000:]}")


def run_fuzz(
    root: Path,
    count: int,
    *,
    seed: int = 19,
    per_folder: int = 200,
    timeout: float = 600.0,
    settings: dict[str, str] | None = None,
) -> FuzzReport:
    """Generate ``count`` inputs under ``root``, ingest them batch by batch, enrich and
    cluster, and check that every input is accounted for and the store is intact."""
    started = time.perf_counter()
    report = FuzzReport()
    batches = generate(root / "in", count, seed=seed, per_folder=per_folder)
    report.batches = len(batches)
    db = root / "fuzz.db"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "STORYLINE_INGEST_ITEM_TIMEOUT": "20"}
    env.update({"STORYLINE_" + k.upper().replace(".", "_"): v for k, v in (settings or {}).items()})
    expected: set[str] = set()
    for batch in batches:
        for entry in os.listdir(os.fsencode(batch)):
            expected.add(display_path(os.path.join(os.fsencode(batch), entry)))
        _run(["--db", str(db), "ingest", "--no-enrich", str(batch)], env, timeout, report)
    report.inputs = len(expected)
    whole = max(timeout * 2, count * 0.5)  # one process over the whole store
    _run(["--db", str(db), "enrich"], env, whole, report)
    _run(["--db", str(db), "cluster"], env, whole, report)
    store = SQLiteStore(db)
    try:
        origins = [a.origin for a in store.list_articles(ArticleFilter(limit=None))]
        rejections = store.rejections()
        stats = store.stats()
    finally:
        store.close()
    report.stored, report.rejected = len(origins), len(rejections)
    report.enriched, report.placed, report.pending = stats.enriched, stats.placed, stats.pending
    seen = _named(origins + [r.origin for r in rejections])
    missing = sorted(e for e in expected if _key(e) not in seen)
    report.unaccounted = len(missing)
    report.failures += [f"unaccounted: {m}" for m in missing[:20]]
    with sqlite3.connect(db) as conn:
        report.integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    report.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def _key(path: str) -> str:
    match = _INDEX.search(path)
    if match:
        return match.group(1)
    special = _SPECIAL.search(path)
    return f"{special.group(1)}/{special.group(2)}" if special else path


def _named(origins: list[str]) -> set[str]:
    keys = set()
    for origin in origins:
        keys.add(_key(origin))
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--folder", type=Path, default=None, help="keep the corpus and store here")
    args = parser.parse_args()
    if args.folder is not None:
        args.folder.mkdir(parents=True, exist_ok=True)
        report = run_fuzz(args.folder, args.count, seed=args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="storyline-fuzz-") as folder:
            report = run_fuzz(Path(folder), args.count, seed=args.seed)
    print(json.dumps(asdict(report)))


if __name__ == "__main__":
    main()
