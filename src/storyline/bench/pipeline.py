"""``storyline bench pipeline PATH``: throughput of the whole pipeline on articles.jsonl.

In one run, on ``PATH/articles.jsonl`` (or PATH itself when it is a file), into a fresh
temporary store:

1. ingest (read, extract, clean, fingerprint, dedupe, store) -- ``articles_per_second``;
2. full enrichment of every article (spaCy pass + every stage in ``enrich.stages``);
3. spaCy's own tok2vec+NER alone on the same texts, with the same number of processes,
   as the reference speed (``enrich.ner_alone_words_per_second``).

Worker stages are summed over worker processes, so per-stage seconds can add up to more
than the wall-clock seconds. ``bench.enrich`` = false skips steps 2 and 3.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from storyline import service
from storyline.bench import peak_rss_mb
from storyline.errors import BenchError
from storyline.settings import Settings
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore


def _rounded(stages: dict[str, float]) -> dict[str, float]:
    return {stage: round(value, 3) for stage, value in sorted(stages.items())}


def _ner_alone(texts: list[str], settings: Settings) -> float:
    """Seconds spaCy tok2vec+NER alone takes on ``texts`` (same processes as enrichment)."""
    from storyline.enrich.nlp import load_nlp

    nlp = load_nlp(settings["enrich.model"], ner_only=True)
    workers = service.worker_count(settings, "enrich.workers")
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=int(settings["enrich.batch_size"]), n_process=workers):
        pass
    return time.perf_counter() - started


def run(path: Path, settings: Settings) -> dict[str, Any]:
    source = path / "articles.jsonl" if path.is_dir() else path
    if not source.is_file():
        raise BenchError(f"{str(path)!r} holds no articles.jsonl; give a folder that has one")
    settings = settings.with_overrides({"enrich.on_ingest": False})
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as folder:
        store = SQLiteStore(Path(folder) / "bench.db")
        try:
            started = time.perf_counter()
            report = service.ingest(store, [str(source)], settings)
            seconds = time.perf_counter() - started
            words = store.stats().words
            articles = report.added + report.unchanged
            print(f"ingested {articles} articles in {seconds:.2f} s", file=sys.stderr)
            result.update(
                articles=articles,
                rejected=len(report.rejected),
                duplicates=report.duplicates,
                words=words,
                seconds=round(seconds, 3),
                articles_per_second=round(articles / seconds, 1) if seconds else None,
                words_per_second=round(words / seconds, 1) if seconds else None,
                workers=service.worker_count(settings),
                stages=_rounded(dict(report.stage_seconds)),
            )
            if settings["bench.enrich"]:
                result["enrich"] = _enrich(store, settings, words)
        finally:
            store.close()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _enrich(store: SQLiteStore, settings: Settings, words: int) -> dict[str, Any]:
    enriched = service.enrich(store, settings)
    print(f"enriched {enriched.articles} articles in {enriched.seconds:.2f} s", file=sys.stderr)
    texts = [a.text for a in store.list_articles(ArticleFilter(limit=None))]
    ner_seconds = _ner_alone(texts, settings)
    print(f"tok2vec+ner alone: {ner_seconds:.2f} s", file=sys.stderr)
    full = words / enriched.seconds if enriched.seconds else 0.0
    alone = words / ner_seconds if ner_seconds else 0.0
    return {
        "articles": enriched.articles,
        "seconds": round(enriched.seconds, 3),
        "words_per_second": round(full, 1),
        "ner_alone_seconds": round(ner_seconds, 3),
        "ner_alone_words_per_second": round(alone, 1),
        "speed_ratio": round(full / alone, 3) if alone else None,
        "workers": service.worker_count(settings, "enrich.workers"),
        "producer": enriched.producer,
        "stages": _rounded(dict(enriched.stage_seconds)),
    }
