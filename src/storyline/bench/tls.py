"""``storyline bench tls PATH``: timeline summarisation scored as news-tls scores it.

PATH holds one folder per topic with ``articles.jsonl`` (``id``, ``time``, ``text``),
``timelines.jsonl`` (one gold timeline a line: a list of ``[date, [sentences]]``) and
``keywords.json`` (the query). Protocol of Gholipour Ghalandari & Ifrim (2020),
``news-tls/experiments/evaluate.py``:

* each topic is ingested into a fresh temporary store (``time`` as the publication
  date); time expressions come from :func:`storyline.enrich.timex.extract.find_times` on the
  cleaned texts -- the timeline needs nothing else from enrichment, and skipping spaCy
  makes the run many times faster;
* per gold timeline: input articles restricted to the gold date span (first to last gold
  date, by publication date), as many dates as the gold timeline has, as many sentences
  per date as its average (``round``, as news-tls does), day-level dates only;
* scores from the ``tilse`` package: alignment-based many-to-one ROUGE-1/2
  (``TimelineRougeEvaluator.evaluate_align_date_content_costs_many_to_one``, Python ROUGE
  re-implementation with stemming and ROUGE's stop words) and date F1;
* averages as news-tls reports them: precision and recall averaged over all gold
  timelines, F1 computed from those averages.

Dates are ranked by the shipped date model (:mod:`storyline.narrate.date_model`), which
was fitted on the development topics, so the plain run scores topics the model saw.
``--by-topic`` scores each topic with a model fitted on the other topics alone
(leave-one-topic-out) and reports every topic, the worst one, and the averages over all
timelines of those held-out predictions.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from storyline.enrich.timex.extract import find_times
from storyline.errors import BenchError, InputError
from storyline.ingest.clean import to_raw_span
from storyline.models import Article, Enrichment
from storyline.narrate.date_model import DateModel, fit_date_model, load_date_model
from storyline.narrate.timeline import Timeline, TimelineOptions, build_timeline, date_candidates
from storyline.settings import Settings
from storyline.store.base import ArticleFilter

_METRICS = ("rouge_1", "rouge_2", "date")

GoldTimeline = list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Topic:
    """One topic folder: its name, query keywords and gold timelines."""

    name: str
    path: Path
    keywords: tuple[str, ...]
    timelines: tuple[GoldTimeline, ...]


def load_topic(path: Path) -> Topic:
    """Read a topic folder's keywords and gold timelines (articles are ingested later)."""
    for name in ("articles.jsonl", "timelines.jsonl", "keywords.json"):
        if not (path / name).is_file():
            raise BenchError(f"topic folder {str(path)!r} has no {name}; see storyline.bench.tls")
    try:
        keywords = json.loads((path / "keywords.json").read_text(encoding="utf-8"))
        timelines = []
        for line in (path / "timelines.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip() and (raw := json.loads(line)):
                timelines.append([(str(d)[:10], [str(s) for s in sents]) for d, sents in raw])
    except (ValueError, TypeError) as exc:
        raise BenchError(f"topic folder {str(path)!r} has a malformed JSON file: {exc}") from None
    if not isinstance(keywords, list):
        raise BenchError(f"{str(path / 'keywords.json')!r} must hold a JSON list of strings")
    return Topic(path.name, path, tuple(str(k) for k in keywords), tuple(timelines))


def topic_folders(path: Path) -> list[Path]:
    folders = sorted(p for p in path.iterdir() if (p / "timelines.jsonl").is_file())
    if not folders:
        raise BenchError(
            f"no topic folders under {str(path)!r}: expected one folder per topic holding "
            "articles.jsonl, timelines.jsonl and keywords.json"
        )
    return folders


def ingest_topic(topic: Topic, settings: Settings, db: Path) -> list[tuple[Article, Enrichment]]:
    """Ingest a topic's articles into a fresh store at ``db``; find their time expressions."""
    from storyline import service

    settings = settings.with_overrides({"db": str(db), "enrich.on_ingest": False})
    store = service.open_store(settings)
    try:
        options = service.IngestOptions(format="jsonl", fields={"published": "time"})
        service.ingest(store, [str(topic.path / "articles.jsonl")], settings, options)
        articles = list(service.list_articles(store, ArticleFilter(limit=None)))
    finally:
        store.close()
    return [(a, Enrichment(a.id, times=find_times(a.text, a.published))) for a in articles]


Corpus = Sequence[tuple[Article, Enrichment]]


def _setup(topic: Topic, gold: GoldTimeline, corpus: Corpus) -> tuple[Corpus, TimelineOptions]:
    """The news-tls protocol for one gold timeline: the input restricted to its date span,
    as many dates as it has, as many sentences per date as its average, days only."""
    dates = sorted(d for d, _ in gold)
    start, end = dates[0], dates[-1]
    inside = [
        (a, e) for a, e in corpus if a.published is not None and start <= a.published[:10] <= end
    ]
    options = TimelineOptions(
        start=start,
        end=end,
        max_dates=len(dates),
        sentences_per_date=max(1, round(sum(len(s) for _, s in gold) / len(gold))),
        keywords=topic.keywords,
        granularities=frozenset({"day"}),
    )
    return inside, options


def predict(
    topic: Topic, gold: GoldTimeline, corpus: Corpus, model: DateModel | None = None
) -> Timeline:
    """The timeline built for one gold timeline under the news-tls protocol."""
    inside, options = _setup(topic, gold, corpus)
    built = build_timeline([a for a, _ in inside], {a.id: e for a, e in inside}, options, model)
    return _as_written(built, {a.id: a for a, _ in inside})


def _as_written(built: Timeline, articles: Mapping[str, Article]) -> Timeline:
    """Each sentence as the corpus wrote it (its raw span, through the edit log): the gold
    timelines keep the corpus's tokenisation (Penn Treebank for Timeline17), which
    cleaning undoes, and ROUGE compares tokens as written."""
    entries = []
    for entry in built.entries:
        sentences = []
        for sentence in entry.sentences:
            article = articles[sentence.article_id]
            start, end = to_raw_span(article.edits, sentence.start, sentence.end)
            sentences.append(replace(sentence, text=" ".join(article.raw[start:end].split())))
        entries.append(replace(entry, sentences=tuple(sentences)))
    return replace(built, entries=tuple(entries))


def training_examples(
    topic: Topic, corpus: Corpus
) -> list[tuple[list[tuple[float, float, float, float, float]], list[bool]]]:
    """Per gold timeline of ``topic``: the counts of its candidate dates (under the
    protocol) and whether the gold timeline has each, for :func:`fit_date_model`."""
    examples = []
    for gold in topic.timelines:
        inside, options = _setup(topic, gold, corpus)
        found = date_candidates([a for a, _ in inside], {a.id: e for a, e in inside}, options)
        wanted = {d for d, _ in gold}
        examples.append(([c.counts for c in found], [c.period.value in wanted for c in found]))
    return examples


def _tilse() -> tuple[Any, Any]:
    try:
        timelines = importlib.import_module("tilse.data.timelines")
        rouge = importlib.import_module("tilse.evaluation.rouge")
    except ImportError as exc:
        raise BenchError(
            f"the tls benchmark scores with the tilse package, which cannot be imported ({exc}); "
            "install it with `pip install tilse==0.2.1`"
        ) from None
    return timelines, rouge


def score(predicted: Timeline, gold: GoldTimeline) -> dict[str, dict[str, float]]:
    """Precision/recall/F of ROUGE-1, ROUGE-2 (align+ m:1) and dates for one timeline."""
    timelines, rouge = _tilse()
    zero = {"precision": 0.0, "recall": 0.0, "f_score": 0.0}
    if not predicted.entries:
        return {metric: dict(zero) for metric in _METRICS}
    pred = {dt.date.fromisoformat(e.date): [s.text for s in e.sentences] for e in predicted.entries}
    ref = {dt.date.fromisoformat(d): list(sents) for d, sents in gold}
    pred_tl = timelines.Timeline(pred)
    ground = timelines.GroundTruth([timelines.Timeline(ref)])
    evaluator = rouge.TimelineRougeEvaluator(
        measures=["rouge_1", "rouge_2"], rouge_computation="reimpl"
    )
    scores = evaluator.evaluate_align_date_content_costs_many_to_one(pred_tl, ground)
    shared = len(set(pred) & set(ref))
    precision = shared / len(pred) if pred else 0.0
    recall = shared / len(ref)
    result = {m: {k: float(v) for k, v in scores[m].items()} for m in ("rouge_1", "rouge_2")}
    result["date"] = {"precision": precision, "recall": recall, "f_score": _f1(precision, recall)}
    return result


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def average(results: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, float]:
    """news-tls averaging: mean precision and recall, F1 of the means."""
    summary: dict[str, float] = {}
    for metric in _METRICS:
        precision = sum(r[metric]["precision"] for r in results) / len(results)
        recall = sum(r[metric]["recall"] for r in results) / len(results)
        summary[metric] = _f1(precision, recall)
    return {
        "rouge1_f": summary["rouge_1"],
        "rouge2_f": summary["rouge_2"],
        "date_f1": summary["date"],
    }


def load_corpora(path: Path, settings: Settings) -> list[tuple[Topic, Corpus]]:
    """Every topic folder under ``path`` with its ingested articles and time expressions."""
    loaded: list[tuple[Topic, Corpus]] = []
    for folder in topic_folders(path):
        topic = load_topic(folder)
        with tempfile.TemporaryDirectory(prefix="storyline-tls-") as tmp:
            try:
                corpus = ingest_topic(topic, settings, Path(tmp) / "bench.db")
            except InputError as exc:
                raise BenchError(f"topic {topic.name!r} could not be ingested: {exc}") from None
        loaded.append((topic, corpus))
    return loaded


def fit_model(corpora: Sequence[tuple[Topic, Corpus]]) -> DateModel:
    """The date model fitted on every gold timeline of ``corpora``."""
    examples, groups = [], []
    for topic, corpus in corpora:
        found = training_examples(topic, corpus)
        examples.extend(found)
        groups.extend([topic.name] * len(found))
    return fit_date_model(examples, trained_on=[topic.name for topic, _ in corpora], groups=groups)


def _rounded(values: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}


def run(path: Path, settings: Settings, *, by_topic: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    _tilse()  # fail before the slow part when the scorer is missing
    corpora = load_corpora(path, settings)
    results: list[dict[str, dict[str, float]]] = []
    per_topic: dict[str, dict[str, float]] = {}
    models: dict[str, DateModel] = {}
    for topic, corpus in corpora:
        if by_topic:
            others = [(t, c) for t, c in corpora if t.name != topic.name]
            models[topic.name] = fit_model(others) if others else load_date_model()
        model = models.get(topic.name) or load_date_model()
        topic_results = [
            score(predict(topic, gold, corpus, model), gold) for gold in topic.timelines
        ]
        results.extend(topic_results)
        per_topic[topic.name] = {**average(topic_results), "timelines": len(topic_results)}
        print(f"tls {topic.name}: {json.dumps(per_topic[topic.name])}", file=sys.stderr)
    if not results:
        raise BenchError(f"no gold timelines under {str(path)!r}")
    result: dict[str, Any] = {
        **_rounded(average(results)),
        "timelines": len(results),
        "topics": {name: _rounded(values) for name, values in per_topic.items()},
        "model": "fitted without each topic" if by_topic else "shipped (fitted on the dev topics)",
        "seconds": round(time.perf_counter() - started, 2),
    }
    if by_topic:
        worst = min(per_topic, key=lambda name: (per_topic[name]["date_f1"], name))
        result["worst"] = {"topic": worst, **_rounded(per_topic[worst])}
        result["weights"] = {name: list(m.weights) for name, m in models.items()}
    return result
