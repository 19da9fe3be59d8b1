"""``storyline bench timex PATH``: time expressions scored TempEval-3 style.

PATH holds TimeML ``.tml`` files (searched recursively), each with a document creation
time (the ``TIMEX3`` inside ``<DCT>``). For every file, :func:`find_times` runs on the
plain text of the ``TEXT`` element (tags removed, entities decoded) with the DCT as the
publication date; its expressions are compared with the gold ``TIMEX3`` spans as the
official TempEval-3 script (``evaluate_entities.py`` after ``TimeML-Normalizer``) does:

* gold and predicted expressions are aligned one to one when their spans overlap;
* strict match: aligned and same span; relaxed match: aligned;
* counts are summed over all files (micro average);
* ``value_f1`` / ``type_f1`` = share of relaxed matches with the right attribute times the
  relaxed F1 (TE3's "attribute F1").
"""

from __future__ import annotations

import html
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.enrich.timex.extract import find_times
from storyline.errors import BenchError
from storyline.models import TimeExpr
from storyline.settings import Settings

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'([A-Za-z_]+)="([^"]*)"')
_DCT = re.compile(r"<DCT>\s*<TIMEX3([^>]*)>", re.S)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)


@dataclass(frozen=True)
class GoldTimex:
    """One gold ``TIMEX3`` in the plain text of a document."""

    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class TimeMLDoc:
    """A TimeML document reduced to what the benchmark needs."""

    name: str
    text: str
    dct: str | None
    gold: tuple[GoldTimex, ...]


@dataclass
class Counts:
    """Summed TempEval-3 counts over documents."""

    gold: int = 0
    predicted: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.value += other.value
        self.type += other.type


def parse_timeml(source: str, name: str = "<string>") -> TimeMLDoc:
    """Plain text of the ``TEXT`` element with its gold ``TIMEX3`` spans, plus the DCT."""
    body = _TEXT.search(source)
    if body is None:
        raise BenchError(f"TimeML file {name!r} has no <TEXT> element; is it a .tml file?")
    dct_match = _DCT.search(source)
    dct = dict(_ATTR.findall(dct_match.group(1))).get("value") if dct_match else None
    pieces: list[str] = []
    length = 0
    gold: list[GoldTimex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    xml = body.group(1)
    position = 0
    for tag in _TAG.finditer(xml):
        chunk = html.unescape(xml[position : tag.start()])
        pieces.append(chunk)
        length += len(chunk)
        position = tag.end()
        closing, tag_name = tag.group(1) == "/", tag.group(2)
        if tag_name != "TIMEX3" or tag.group(4):
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(tag.group(3))))
        elif open_timex is not None:
            start, attrs = open_timex
            open_timex = None
            gold.append(GoldTimex(start, length, "", attrs.get("type", ""), attrs.get("value", "")))
    tail = html.unescape(xml[position:])
    pieces.append(tail)
    text = "".join(pieces)
    spans = tuple(
        GoldTimex(g.start, g.end, text[g.start : g.end], g.type, g.value)
        for g in gold
        if text[g.start : g.end].strip()
    )
    return TimeMLDoc(name, text, dct, spans)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_document(gold: Sequence[GoldTimex], predicted: Sequence[TimeExpr]) -> Counts:
    """Align gold and predicted expressions one to one by overlap (exact spans first)."""
    counts = Counts(gold=len(gold), predicted=len(predicted))
    used: set[int] = set()
    pairs: list[tuple[GoldTimex, TimeExpr]] = []
    pending: list[GoldTimex] = []
    by_span = {(p.start, p.end): i for i, p in enumerate(predicted)}
    for g in gold:
        exact = by_span.get((g.start, g.end))
        if exact is not None and exact not in used:
            used.add(exact)
            pairs.append((g, predicted[exact]))
        else:
            pending.append(g)
    for g in pending:
        for i, p in enumerate(predicted):
            if i not in used and _overlap((g.start, g.end), (p.start, p.end)):
                used.add(i)
                pairs.append((g, p))
                break
    for g, p in pairs:
        counts.relaxed += 1
        counts.strict += (g.start, g.end) == (p.start, p.end)
        counts.value += g.value == (p.value or "")
        counts.type += g.type == p.type
    return counts


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def summarise(counts: Counts) -> dict[str, Any]:
    """TempEval-3 figures from summed counts."""
    sp = counts.strict / counts.predicted if counts.predicted else 0.0
    sr = counts.strict / counts.gold if counts.gold else 0.0
    rp = counts.relaxed / counts.predicted if counts.predicted else 0.0
    rr = counts.relaxed / counts.gold if counts.gold else 0.0
    relaxed_f1 = _f1(rp, rr)
    value_acc = counts.value / counts.relaxed if counts.relaxed else 0.0
    type_acc = counts.type / counts.relaxed if counts.relaxed else 0.0
    return {
        "strict_f1": round(_f1(sp, sr), 4),
        "strict_p": round(sp, 4),
        "strict_r": round(sr, 4),
        "relaxed_f1": round(relaxed_f1, 4),
        "relaxed_p": round(rp, 4),
        "relaxed_r": round(rr, 4),
        "value_f1": round(value_acc * relaxed_f1, 4),
        "type_f1": round(type_acc * relaxed_f1, 4),
        "value_accuracy": round(value_acc, 4),
        "type_accuracy": round(type_acc, 4),
        "expressions": counts.gold,
        "predicted": counts.predicted,
    }


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(path.rglob("*.tml"))
    if not files:
        raise BenchError(f"no .tml files under {str(path)!r}; point at a folder of TimeML files")
    return files


def evaluate(docs: Iterable[TimeMLDoc]) -> tuple[Counts, int, int]:
    """Run :func:`find_times` on each document; return counts, documents and words."""
    total = Counts()
    documents = words = 0
    for doc in docs:
        predicted = find_times(doc.text, doc.dct)
        total.add(score_document(doc.gold, predicted))
        documents += 1
        words += len(doc.text.split())
    return total, documents, words


def run(path: Path, settings: Settings) -> dict[str, Any]:
    """Score :func:`find_times` on the TimeML files under ``path``."""
    del settings  # no settings apply yet
    docs = []
    for file in _files(path):
        try:
            source = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BenchError(f"cannot read TimeML file {str(file)!r}: {exc}") from None
        docs.append(parse_timeml(source, str(file)))
    print(f"timex: {len(docs)} documents from {path}", file=sys.stderr)
    started = time.perf_counter()
    counts, documents, words = evaluate(docs)
    seconds = time.perf_counter() - started
    result = summarise(counts)
    result["documents"] = documents
    result["words"] = words
    result["seconds"] = round(seconds, 3)
    result["words_per_second"] = round(words / seconds) if seconds else 0
    return result
