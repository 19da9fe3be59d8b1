"""``storyline bench pipeline PATH``: throughput of the whole pipeline on articles.jsonl.

Runs ``storyline ingest`` on ``PATH/articles.jsonl`` (or PATH itself when it is a file)
into a fresh temporary store and reports articles, words, seconds, articles/s, peak
memory and seconds per stage. Worker stages (extract, clean, fingerprint, language) are
summed over worker processes, so they can add up to more than the wall-clock seconds.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from storyline import service
from storyline.errors import BenchError
from storyline.settings import Settings
from storyline.store.sqlite import SQLiteStore


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024.0, 1)


def run(path: Path, settings: Settings) -> dict[str, Any]:
    source = path / "articles.jsonl" if path.is_dir() else path
    if not source.is_file():
        raise BenchError(f"{str(path)!r} holds no articles.jsonl; give a folder that has one")
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as folder:
        store = SQLiteStore(Path(folder) / "bench.db")
        try:
            started = time.perf_counter()
            report = service.ingest(store, [str(source)], settings)
            seconds = time.perf_counter() - started
            words = store.stats().words
        finally:
            store.close()
    articles = report.added + report.unchanged
    print(
        f"ingested {articles} articles ({len(report.rejected)} rejected) in {seconds:.2f} s",
        file=sys.stderr,
    )
    return {
        "articles": articles,
        "rejected": len(report.rejected),
        "duplicates": report.duplicates,
        "words": words,
        "seconds": round(seconds, 3),
        "articles_per_second": round(articles / seconds, 1) if seconds else None,
        "words_per_second": round(words / seconds, 1) if seconds else None,
        "peak_rss_mb": _peak_rss_mb(),
        "workers": service.worker_count(settings),
        "stages": {stage: round(value, 3) for stage, value in sorted(report.stage_seconds.items())},
    }
