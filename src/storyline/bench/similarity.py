"""``storyline bench similarity PATH``: article-pair similarity, SemEval-2022 Task 8 style.

PATH holds ``pairs.csv`` (or is that file) with ``text1``, ``text2`` and the gold
``Overall`` score (1 = same story .. 4 = unrelated; ``pair_id`` is optional). Both texts
of every pair are written as JSONL records into a temporary folder, ingested into a
fresh temporary store and enriched exactly as articles are; each pair is then scored by
:func:`storyline.cluster.similarity.pair_score` from the same signals the clusterer
uses. Prints ``pearson_overall`` (Pearson correlation of predicted and gold Overall),
``pairs`` and ``seconds`` (ingest, enrichment and scoring).

IDF: document frequencies come from the whole set of pair texts, used as a background
corpus -- a pair has no stream order, and the texts of the set are what has "arrived".
A text that ingest rejects (empty, too short) is scored from its words alone.
"""

from __future__ import annotations

import csv
import json
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storyline import service
from storyline.cluster.features import Features, article_features, term_counts
from storyline.cluster.similarity import Vocabulary, pair_score
from storyline.errors import BenchError
from storyline.settings import Settings
from storyline.store.sqlite import SQLiteStore


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation coefficient; 0 when either side is constant."""
    if len(xs) != len(ys):
        raise ValueError(f"sequences differ in length: {len(xs)} vs {len(ys)}")
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / math.sqrt(sxx * syy)


def read_pairs(path: Path) -> list[tuple[str, str, str, float]]:
    """(pair id, text1, text2, Overall) rows of ``pairs.csv``."""
    source = path / "pairs.csv" if path.is_dir() else path
    if not source.is_file():
        raise BenchError(f"{str(path)!r} holds no pairs.csv; give a folder that has one")
    csv.field_size_limit(1 << 30)
    rows = []
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"text1", "text2", "Overall"} - set(reader.fieldnames or ())
        if missing:
            raise BenchError(
                f"{source} lacks column(s) {', '.join(sorted(missing))}; "
                "it needs text1, text2 and Overall"
            )
        for number, row in enumerate(reader, 2):
            try:
                overall = float(row["Overall"])
            except (TypeError, ValueError):
                raise BenchError(
                    f"{source}:{number}: Overall must be a number, got {row['Overall']!r}"
                ) from None
            pair_id = (row.get("pair_id") or f"row{number}").strip()
            rows.append((pair_id, row["text1"] or "", row["text2"] or "", overall))
    return rows


def _features(store: SQLiteStore, ids: Sequence[str], texts: dict[str, str]) -> list[Features]:
    stored = {a.id: a for a in store.get_articles(list(ids))}
    result = []
    for article_id in ids:
        article = stored.get(article_id)
        if article is None:
            result.append(Features(article_id, terms=term_counts("", texts[article_id])))
        else:
            result.append(article_features(article, store.get_enrichment(article_id)))
    return result


def run(path: Path, settings: Settings) -> dict[str, Any]:
    pairs = read_pairs(path)
    settings = settings.with_overrides({"enrich.on_ingest": False})
    started = time.perf_counter()
    texts: dict[str, str] = {}
    for index, (_, text1, text2, _) in enumerate(pairs):
        texts[f"pair{index}:1"] = text1
        texts[f"pair{index}:2"] = text2
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as folder:
        records = Path(folder) / "texts.jsonl"
        with records.open("w", encoding="utf-8") as handle:
            for text_id, text in texts.items():
                handle.write(json.dumps({"id": text_id, "title": None, "text": text}) + "\n")
        store = SQLiteStore(Path(folder) / "bench.db")
        try:
            report = service.ingest(store, [str(records)], settings)
            print(f"ingested {report.added} texts", file=sys.stderr)
            service.enrich(store, settings)
            print("enriched", file=sys.stderr)
            features = _features(store, list(texts), texts)
        finally:
            store.close()
    vocab = Vocabulary()
    for item in features:
        vocab.add(item)
    by_id = {item.article_id: item for item in features}
    predicted = [
        pair_score(by_id[f"pair{index}:1"], by_id[f"pair{index}:2"], vocab)[0]
        for index in range(len(pairs))
    ]
    gold = [overall for _, _, _, overall in pairs]
    seconds = time.perf_counter() - started
    return {
        "pearson_overall": round(pearson(predicted, gold), 4),
        "pairs": len(pairs),
        "seconds": round(seconds, 3),
    }
