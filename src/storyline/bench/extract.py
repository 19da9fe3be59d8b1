"""``storyline bench extract PATH``: main-text extraction on the Scrapinghub set.

PATH holds ``html/<id>.html.gz`` and ``ground-truth.json`` (``id -> {"articleBody",
"url"}``). Each page goes through the HTML reader (``storyline.ingest.html``) and the
cleaner (``storyline.ingest.clean``); the cleaned text is scored the way the
article-extraction-benchmark's ``evaluate.py`` scores ``articleBody``: ``\\w+`` tokens,
4-token shingles (one shorter shingle for texts under four tokens), per-page TP/FP/FN
normalised to sum 1, precision averaged over pages with a prediction, recall over pages
with a gold body, F1 from those two means, accuracy = share of exact token matches.
A page the reader rejects counts as an empty prediction. Extraction alone is scored too
(``extraction``), so the cleaner's effect shows.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from storyline.errors import BenchError, InputError
from storyline.settings import Settings

TpFpFn = tuple[float, float, float]

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_SHINGLE = 4


def run(path: Path, settings: Settings) -> dict[str, Any]:
    """Extract and score every page under ``path``; progress goes to standard error."""
    from storyline.ingest.clean import clean
    from storyline.ingest.html import extract_page

    truth = _load_truth(path)
    pages = _page_files(path, truth)
    extracted: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    rejected: dict[str, str] = {}
    started = time.perf_counter()
    extract_seconds = 0.0
    for number, (page_id, file) in enumerate(pages, 1):
        html = _read_page(file)
        tick = time.perf_counter()
        try:
            text = extract_page(html, url=truth[page_id].get("url")).text
        except InputError as exc:
            rejected[page_id] = str(exc)
            text = ""
        extract_seconds += time.perf_counter() - tick
        extracted[page_id] = text
        cleaned[page_id] = clean(text, format="html").text if text else ""
        if number % 10 == 0 or number == len(pages):
            print(f"extract: {number}/{len(pages)} pages", file=sys.stderr)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = score(truth, cleaned)
    result.update(
        pages=len(pages),
        seconds=round(seconds, 3),
        pages_per_second=round(len(pages) / seconds, 2) if seconds else None,
        extract_pages_per_second=(
            round(len(pages) / extract_seconds, 2) if extract_seconds else None
        ),
        rejected=len(rejected),
        extraction=score(truth, extracted),
    )
    return result


def score(truth: dict[str, dict[str, Any]], predicted: dict[str, str]) -> dict[str, float]:
    """Scrapinghub article-body scores of ``predicted`` (id -> text) against ``truth``."""
    if truth.keys() != predicted.keys():
        raise BenchError("predictions do not cover exactly the pages of the ground truth")
    counts: list[TpFpFn] = []
    accuracies: list[float] = []
    for key, entry in truth.items():
        gold = entry.get("articleBody") or ""
        guess = predicted[key] or ""
        counts.append(shingle_counts(gold, guess))
        accuracies.append(float(_tokenize(gold) == _tokenize(guess)))
    result = metrics(counts)
    result["accuracy"] = statistics.mean(accuracies)
    return result


def metrics(counts: list[TpFpFn]) -> dict[str, float]:
    """Precision and recall averaged over pages, and the F1 of those two averages."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    total = precision + recall
    f1 = 2 * precision * recall / total if total else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def shingle_counts(true: str, pred: str) -> TpFpFn:
    """TP, FP and FN over token 4-shingles, normalised to sum 1 (all 0 when both empty)."""
    true_shingles = Counter(_shingles(true))
    pred_shingles = Counter(_shingles(pred))
    tp = fp = fn = 0.0
    for key in true_shingles.keys() | pred_shingles.keys():
        true_count = true_shingles.get(key, 0)
        pred_count = pred_shingles.get(key, 0)
        tp += min(true_count, pred_count)
        fp += max(0, pred_count - true_count)
        fn += max(0, true_count - pred_count)
    total = tp + fp + fn
    if total > 0:
        return (tp / total, fp / total, fn / total)
    return (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def _tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _shingles(text: str) -> list[tuple[str, ...]]:
    tokens = _tokenize(text)
    result = []
    for i in range(max(1, len(tokens) - _SHINGLE + 1)):
        shingle = tuple(tokens[i : i + _SHINGLE])
        if shingle:
            result.append(shingle)
    return result


# --- data ------------------------------------------------------------------------------------


def _load_truth(path: Path) -> dict[str, dict[str, Any]]:
    file = path / "ground-truth.json"
    if not file.is_file():
        raise BenchError(f"{str(file)!r} is missing; the extract benchmark needs it")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BenchError(f"{str(file)!r} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BenchError(f"{str(file)!r} must map page ids to objects with 'articleBody'")
    return data


def _page_files(path: Path, truth: dict[str, dict[str, Any]]) -> list[tuple[str, Path]]:
    files = {file.name.split(".")[0]: file for file in sorted((path / "html").glob("*.html.gz"))}
    missing = sorted(truth.keys() - files.keys())
    if missing:
        raise BenchError(
            f"{len(missing)} pages of ground-truth.json have no html/<id>.html.gz under "
            f"{str(path)!r}, e.g. {missing[0]!r}"
        )
    return [(page_id, files[page_id]) for page_id in sorted(truth)]


def _read_page(file: Path) -> str:
    try:
        with gzip.open(file, "rt", encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchError(f"cannot read {str(file)!r}: {exc}") from None
