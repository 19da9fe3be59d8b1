"""``storyline bench cluster PATH``: online event and story clustering against gold labels.

PATH holds ``articles.jsonl`` (``id``, ``title``, ``text``, ``published``, ``source``,
``url`` and gold ``event`` / ``story``, either may be null). In a fresh temporary store
the articles are ingested (``enrich.on_ingest`` off), enriched, then fed to the online
clusterer in arrival order: the records' own ``published`` ascending, ties and null dates
by id (null dates last). A date that ingest found in the text of a record whose
``published`` is null does not move it: the stream brings records in the order the file
dates them. Syndicated copies are clustered like every other article (with their
original). An input that ingest rejected still counts, as an unclustered singleton.

For each gold level present (``event``, ``story``) over the articles labelled at that
level: B-cubed precision/recall/F1 (Bagga & Baldwin 1998, per-item averages), pairwise
F1 (pairs of articles put together), the adjusted Rand index (Hubert & Arabie 1985) and
the numbers of predicted and gold clusters, after the consolidation that ends every
``storyline cluster`` run (splits of events whose articles form separate groups; it
sees only articles that have arrived), and as ``event_online`` / ``story_online`` right
after the online pass. ``seconds`` and ``articles_per_second`` time the clustering alone
(features + assignment + consolidation, enrichment already done).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from math import comb
from pathlib import Path
from typing import Any

from storyline import service
from storyline.cluster.features import Features, article_features
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.pair_model import PairModel, fit_without, topic_examples
from storyline.cluster.params import params_from_settings
from storyline.errors import BenchError
from storyline.models import Article, Enrichment
from storyline.settings import Settings
from storyline.store.base import ArticleFilter, Store
from storyline.store.sqlite import SQLiteStore

LEVELS = ("event", "story")


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of two labelings of the same items."""
    if len(predicted) != len(gold):
        raise ValueError(f"labelings differ in length: {len(predicted)} vs {len(gold)}")
    if not gold:
        return 0.0, 0.0, 0.0
    both = Counter(zip(predicted, gold, strict=True))
    pred_sizes = Counter(predicted)
    gold_sizes = Counter(gold)
    precision = sum(n * n / pred_sizes[p] for (p, _), n in both.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in both.items()) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _pairs(sizes: Iterable[int]) -> int:
    return sum(comb(n, 2) for n in sizes)


def pairwise_f1(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """F1 over pairs of items: a pair is positive when both items share a cluster."""
    together = _pairs(Counter(zip(predicted, gold, strict=True)).values())
    pred_pairs = _pairs(Counter(predicted).values())
    gold_pairs = _pairs(Counter(gold).values())
    if pred_pairs + gold_pairs == 0:
        return 1.0
    return 2 * together / (pred_pairs + gold_pairs)


def adjusted_rand(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """Adjusted Rand index (1 = identical partitions, about 0 = chance)."""
    n = len(gold)
    together = _pairs(Counter(zip(predicted, gold, strict=True)).values())
    pred_pairs = _pairs(Counter(predicted).values())
    gold_pairs = _pairs(Counter(gold).values())
    total = comb(n, 2)
    if total == 0:
        return 1.0
    expected = pred_pairs * gold_pairs / total
    maximum = (pred_pairs + gold_pairs) / 2
    if maximum == expected:
        return 1.0
    return (together - expected) / (maximum - expected)


def score_level(predicted: Mapping[str, str], gold: Mapping[str, str | None]) -> dict[str, Any]:
    """Scores of ``predicted`` (article -> cluster) over the articles ``gold`` labels.

    An article with a gold label but no prediction counts as a cluster of its own.
    """
    ids = sorted(a for a, label in gold.items() if label is not None)
    pred = [predicted.get(a, "unclustered:" + a) for a in ids]
    truth = [str(gold[a]) for a in ids]
    precision, recall, f1 = bcubed(pred, truth)
    return {
        "bcubed_p": round(precision, 4),
        "bcubed_r": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "pairwise_f1": round(pairwise_f1(pred, truth), 4),
        "ari": round(adjusted_rand(pred, truth), 4),
        "clusters": len(set(pred)),
        "gold_clusters": len(set(truth)),
    }


def arrival_order(
    articles: Iterable[Article], published: Mapping[str, str | None] | None = None
) -> list[Article]:
    """Publication order, ties and unknown dates by id (unknown dates after known ones).

    ``published`` (article id -> date) overrides the articles' own dates, for example
    with the dates of the input records.
    """

    def date(article: Article) -> str | None:
        return article.published if published is None else published.get(article.id)

    return sorted(articles, key=lambda a: (date(a) is None, date(a) or "", a.id))


def store_features(store: Store) -> list[Features]:
    """Features of every stored article, in arrival order."""
    articles = arrival_order(store.list_articles(ArticleFilter(limit=None)))
    return [article_features(a, store.get_enrichment(a.id)) for a in articles]


Placed = dict[str, tuple[str, str]]


def cluster(
    features: Sequence[Features], settings: Settings | None, pair_model: PairModel | None = None
) -> tuple[Placed, Placed]:
    """Run the online clusterer, then consolidate every event, as one ``storyline
    cluster`` run over the whole stream does: article id -> (event id, story id) right
    after the online pass and after consolidation. ``pair_model`` replaces the shipped
    event pair model."""
    params = params_from_settings(settings)
    if pair_model is not None:
        params = replace(params, pair_model=pair_model)
    clusterer = OnlineClusterer(params)
    online = {}
    for item in features:
        placement = clusterer.assign(item)
        online[item.article_id] = (placement.event_id, placement.story_id)
    state = clusterer.state
    clusterer.consolidate(state.events, {item.article_id: item for item in features})
    final = {a: (e, clusterer.story_of(e) or "") for a, e in state.article_events.items()}
    return online, final


def topic_of(labels: Mapping[str, str | None]) -> str | None:
    """A record's topic for ``--by-topic``: its ``topic`` field, else its gold story, else
    the part of its gold event label before the last ``/`` (``ecbplus/1/ecb`` ->
    ``ecbplus/1``), else ``None``."""
    if labels.get("topic"):
        return labels["topic"]
    if labels.get("story"):
        return labels["story"]
    event = labels.get("event")
    if event and "/" in event:
        return event.rsplit("/", 1)[0]
    return event


def score_topics(
    predicted: Mapping[str, str], gold: Mapping[str, str | None], topics: Mapping[str, str | None]
) -> dict[str, dict[str, Any]]:
    """B-cubed precision, recall and F1 of each topic's labelled articles, with every
    predicted cluster taken whole (an article of another topic in the cluster counts
    against precision), the share of the topic's articles left in a cluster of their own
    (``singletons``), and the number of predicted clusters they are spread over."""
    labelled = {a: str(g) for a, g in gold.items() if g is not None}
    members: dict[str, list[str]] = {}
    for article_id in labelled:
        cluster = predicted.get(article_id, "unclustered:" + article_id)
        members.setdefault(cluster, []).append(article_id)
    sizes = Counter(predicted.values())
    gold_sizes = Counter(labelled.values())
    by_topic: dict[str, list[str]] = {}
    for article_id in labelled:
        topic = topics.get(article_id)
        if topic is not None:
            by_topic.setdefault(topic, []).append(article_id)
    result: dict[str, dict[str, Any]] = {}
    for topic, ids in sorted(by_topic.items()):
        precision = recall = 0.0
        for article_id in ids:
            cluster = predicted.get(article_id, "unclustered:" + article_id)
            same = sum(1 for other in members[cluster] if labelled[other] == labelled[article_id])
            precision += same / len(members[cluster])
            recall += same / gold_sizes[labelled[article_id]]
        precision, recall = precision / len(ids), recall / len(ids)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        alone = sum(1 for a in ids if sizes.get(predicted.get(a, ""), 1) <= 1)
        result[topic] = {
            "articles": len(ids),
            "bcubed_p": round(precision, 4),
            "bcubed_r": round(recall, 4),
            "bcubed_f1": round(f1, 4),
            "singletons": round(alone / len(ids), 4),
            "clusters": len({predicted.get(a, "unclustered:" + a) for a in ids}),
        }
    return result


def _read_gold(source: Path) -> dict[str, dict[str, str | None]]:
    """Per record id: the gold labels of each level, the record's ``published`` and its
    ``topic`` field (if any)."""
    gold: dict[str, dict[str, str | None]] = {key: {} for key in (*LEVELS, "published", "topic")}
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BenchError(f"{source}:{number} is not valid JSON ({exc}); fix it") from None
            if not isinstance(record, dict) or "id" not in record:
                raise BenchError(f"{source}:{number} has no 'id'; every record needs one")
            for level in (*LEVELS, "published", "topic"):
                label = record.get(level)
                gold[level][str(record["id"])] = None if label is None else str(label)
    return gold


@dataclass(frozen=True)
class Prepared:
    """A cluster data set ingested and enriched in a fresh store, in arrival order."""

    source: Path
    gold: dict[str, dict[str, str | None]]
    articles: list[Article]
    enrichments: list[Enrichment | None]
    rejected: int
    ingest_seconds: float
    enrich_seconds: float

    def features(self) -> list[Features]:
        return [
            article_features(a, e) for a, e in zip(self.articles, self.enrichments, strict=True)
        ]


def prepare(path: Path, settings: Settings) -> Prepared:
    """Ingest (``enrich.on_ingest`` off) and enrich the ``articles.jsonl`` at ``path`` (a
    file or a folder holding one) in a temporary store; articles in arrival order by the
    records' own ``published``."""
    source = path / "articles.jsonl" if path.is_dir() else path
    if not source.is_file():
        raise BenchError(f"{str(path)!r} holds no articles.jsonl; give a folder that has one")
    gold = _read_gold(source)
    settings = settings.with_overrides({"enrich.on_ingest": False})
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as folder:
        store = SQLiteStore(Path(folder) / "bench.db")
        try:
            started = time.perf_counter()
            report = service.ingest(store, [str(source)], settings)
            ingest_seconds = time.perf_counter() - started
            print(f"ingested {report.added} articles in {ingest_seconds:.1f} s", file=sys.stderr)
            started = time.perf_counter()
            service.enrich(store, settings)
            enrich_seconds = time.perf_counter() - started
            print(f"enriched in {enrich_seconds:.1f} s", file=sys.stderr)
            articles = arrival_order(
                store.list_articles(ArticleFilter(limit=None)), gold["published"]
            )
            enrichments = [store.get_enrichment(a.id) for a in articles]
        finally:
            store.close()
    return Prepared(
        source,
        gold,
        articles,
        enrichments,
        len(report.rejected),
        ingest_seconds,
        enrich_seconds,
    )


def run(path: Path, settings: Settings, *, by_topic: bool = False) -> dict[str, Any]:
    prepared = prepare(path, settings)
    gold = prepared.gold
    started = time.perf_counter()
    features = prepared.features()
    features_seconds = time.perf_counter() - started
    online, placed = cluster(features, settings)
    seconds = time.perf_counter() - started
    print(f"clustered {len(placed)} articles in {seconds:.2f} s", file=sys.stderr)
    result: dict[str, Any] = {
        "articles": len(placed),
        "rejected": prepared.rejected,
        "seconds": round(seconds, 3),
        "articles_per_second": round(len(placed) / seconds, 1) if seconds else None,
        "features_seconds": round(features_seconds, 3),
        "ingest_seconds": round(prepared.ingest_seconds, 3),
        "enrich_seconds": round(prepared.enrich_seconds, 3),
    }
    for index, level in enumerate(LEVELS):
        if any(label is not None for label in gold[level].values()):
            predicted = {a: ids[index] for a, ids in placed.items()}
            result[level] = score_level(predicted, gold[level])
            before = {a: ids[index] for a, ids in online.items()}
            result[f"{level}_online"] = score_level(before, gold[level])
    result["events"] = len({ids[0] for ids in placed.values()})
    result["stories"] = len({ids[1] for ids in placed.values()})
    if by_topic:
        result["by_topic"] = _by_topic(placed, gold)
        refit = _refit_by_topic(features, gold, settings)
        if refit is not None:
            result["by_topic"]["event_refit"] = refit
    return result


def _refit_by_topic(
    features: Sequence[Features], gold: dict[str, dict[str, str | None]], settings: Settings
) -> dict[str, Any] | None:
    """Leave-one-topic-out for the event pair model (the one thing the clusterer fits):
    for each topic with gold events, the model is fitted on the other topics' article
    pairs, the whole set is clustered with it, and that topic's event scores are kept;
    the scores over all topics pool those placements (each article placed by the run
    that did not train on its topic). ``None`` when fewer than two topics have events."""
    topics = {a: topic_of({k: gold[k].get(a) for k in gold}) for a in gold["event"]}
    examples = topic_examples(features, gold["event"], topics)
    if len(examples) < 2:
        return None
    scores: dict[str, dict[str, Any]] = {}
    pooled: dict[str, str] = {}
    for topic in examples:
        _, placed = cluster(features, settings, fit_without(examples, topic))
        predicted = {a: ids[0] for a, ids in placed.items()}
        scores[topic] = score_topics(predicted, gold["event"], topics)[topic]
        for article_id, label in predicted.items():
            if topics.get(article_id) == topic:
                pooled[article_id] = f"{topic}#{label}"
    worst = min(scores, key=lambda t: (scores[t]["bcubed_f1"], t))
    return {
        "fitted": "event pair model, without the topic scored",
        "all": score_level(pooled, gold["event"]),
        "topics": scores,
        "worst": {"topic": worst, **scores[worst]},
    }


def _by_topic(placed: Placed, gold: dict[str, dict[str, str | None]]) -> dict[str, Any]:
    """Per topic and level, the scores of :func:`score_topics` and the worst topic. The
    clusterer fits nothing to the data (its settings are fixed), so every topic's figure
    is already one the topic did not tune: leave-one-topic-out by construction."""
    topics = {a: topic_of({k: gold[k].get(a) for k in gold}) for a in placed}
    report: dict[str, Any] = {"fitted": "nothing (fixed settings)"}
    for index, level in enumerate(LEVELS):
        if not any(label is not None for label in gold[level].values()):
            continue
        predicted = {a: ids[index] for a, ids in placed.items()}
        scores = score_topics(predicted, gold[level], topics)
        if not scores:
            continue
        worst = min(scores, key=lambda t: (scores[t]["bcubed_f1"], t))
        report[level] = {
            "topics": scores,
            "worst": {"topic": worst, **scores[worst]},
            "max_singletons": max(v["singletons"] for v in scores.values()),
        }
    return report
