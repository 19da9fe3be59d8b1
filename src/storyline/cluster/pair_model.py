"""The event pair model: a small logistic regression that says how likely two articles
report the same happening, shipped in the package (``event_pairs.json``, no download).

The online pass and the ratio tests of :mod:`storyline.cluster.consolidate` compare
articles by how alike their words and names are. Two sibling happenings of one topic
(two earthquakes, two shootings, a software flaw patched one year and another the next)
read alike; what tells them apart is what the enrichment stages found: the figures
(5.6 against 6.1 magnitude), the dates and years the text states, the places. The model
weighs, for a pair of articles:

* the cosines consolidation already uses (whole-text terms, entities, leads, digit
  tokens, and their blend :func:`~storyline.cluster.consolidate.similarity_matrix`);
* agreement and conflict of the years stated, of the day-precision dates stated, of the
  cities and of the countries: *agree* when both name some and share one, *conflict*
  when both name some and share none (a pair where either names none has neither);
* figure agreement by kind: of the kinds of figure both report (``dead``, ``magnitude``,
  ``USD``), the share where some value agrees (*agree*) and the rest (*conflict*).

Its output is a probability per pair. :func:`learned_split` parts an event whose
articles form two halves that are, on average, more likely two happenings than one and
clearly apart relative to their inner agreement; :func:`learned_merges` joins the events
of one story whose articles are, on average, likely one happening (average linkage from
the events consolidation left, closest pair first). The shipped weights are fitted on ECB+
(pairs of articles of one topic, labelled by whether their gold event is the same) with
:func:`fit_pair_model`; ``storyline bench cluster PATH --by-topic`` fits them anew
without each topic in turn to score that topic, and ``python -m
storyline.bench.pair_model PATH`` rewrites the shipped file. Pure: features, a
vocabulary and weights in, probabilities and merges out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

from storyline.cluster.consolidate import (
    MIN_PART,
    Merge,
    Split,
    _apart,
    _span,
    _tfidf,
    between_mean,
    bisect,
    similarity_matrix,
    within_mean,
)
from storyline.cluster.features import Features
from storyline.cluster.similarity import Vocabulary
from storyline.errors import SettingsError

VERSION = "event-pairs.lr.v1"
FEATURES = (
    "terms",
    "entities",
    "lead",
    "numbers",
    "blend",
    "year_agree",
    "year_conflict",
    "date_agree",
    "date_conflict",
    "city_agree",
    "city_conflict",
    "country_agree",
    "country_conflict",
    "figure_agree",
    "figure_conflict",
)
L2 = 1.0  # ridge penalty of the fit (chosen leave-one-topic-out on ECB+, docs/benchmarks.md)
_ROUNDS = 30  # Newton steps (the fit converges in a handful)


@dataclass(frozen=True)
class PairModel:
    """Weights of the pair features (in :data:`FEATURES` order) and a bias."""

    weights: tuple[float, ...]
    bias: float = 0.0
    version: str = VERSION
    features: tuple[str, ...] = FEATURES
    trained_on: tuple[str, ...] = ()  # the topics the weights were fitted on

    def probabilities(self, members: Sequence[Features], vocab: Vocabulary) -> np.ndarray:
        """The probability that each pair of ``members`` reports one happening."""
        logits = np.full((len(members), len(members)), self.bias)
        for weight, matrix in zip(self.weights, feature_matrices(members, vocab), strict=True):
            if weight:
                logits += weight * matrix
        result: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return result

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def _indicator(rows: Sequence[Iterable[Any]]) -> sparse.csr_matrix:
    columns: dict[Any, int] = {}
    row_ids: list[int] = []
    column_ids: list[int] = []
    for number, row in enumerate(rows):
        for key in set(row):
            row_ids.append(number)
            column_ids.append(columns.setdefault(key, len(columns)))
    shape = (len(rows), max(1, len(columns)))
    return sparse.csr_matrix((np.ones(len(row_ids)), (row_ids, column_ids)), shape=shape)


def _agreement(rows: Sequence[Iterable[Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(agree, conflict) indicator matrices of sets: both non-empty and sharing a key,
    both non-empty and sharing none."""
    sets = [set(row) for row in rows]
    matrix = _indicator(sets)
    shared = np.asarray((matrix @ matrix.T).todense()) > 0
    named = np.array([bool(row) for row in sets])
    both = np.outer(named, named)
    return (both & shared).astype(float), (both & ~shared).astype(float)


def _cosine(rows: Sequence[Any], df: Any, vocab: Vocabulary) -> np.ndarray:
    vectors = _tfidf(rows, df, vocab)
    return np.asarray((vectors @ vectors.T).todense(), dtype=float)


def _places(features: Features, country: bool) -> set[str]:
    return {p for p in features.places if p.startswith("country:") == country}


def feature_matrices(members: Sequence[Features], vocab: Vocabulary) -> Iterable[np.ndarray]:
    """The pair features of ``members``, one matrix per name of :data:`FEATURES`, made one
    at a time (a large event's matrices need not all be held at once)."""
    yield _cosine([f.terms for f in members], vocab.terms, vocab)
    yield _cosine([f.entities for f in members], vocab.entities, vocab)
    yield _cosine([f.lead_terms for f in members], vocab.terms, vocab)
    yield _cosine([f.numbers for f in members], {}, vocab)
    yield similarity_matrix(members, vocab)
    for rows in (
        [f.years for f in members],
        [f.event_days for f in members],
        [_places(f, country=False) for f in members],
        [_places(f, country=True) for f in members],
    ):
        yield from _agreement(rows)
    kinds = _indicator([{kind for kind, _ in f.figures} for f in members])
    values = _indicator([set(f.figures) for f in members])
    common = np.asarray((kinds @ kinds.T).todense(), dtype=float)
    same = np.asarray((values @ values.T).todense(), dtype=float)
    agree = np.where(common > 0, np.minimum(1.0, same / np.maximum(common, 1.0)), 0.0)
    yield agree
    yield np.where(common > 0, 1.0 - agree, 0.0)


def pair_examples(
    members: Sequence[Features], vocab: Vocabulary, labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The features (one row per distinct pair) and same-label targets of one topic."""
    upper = np.triu_indices(len(members), 1)
    columns = [matrix[upper] for matrix in feature_matrices(members, vocab)]
    names = np.asarray(labels, dtype=object)
    same = (names[:, None] == names[None, :])[upper].astype(float)
    return np.column_stack(columns) if columns else np.zeros((0, len(FEATURES))), same


def fit_pair_model(
    examples: Sequence[tuple[np.ndarray, np.ndarray]],
    trained_on: Sequence[str] = (),
    l2: float = L2,
) -> PairModel:
    """Logistic regression (Newton's method, ridge penalty ``l2`` on the weights) of
    "the two articles share a gold event" on the pair features; ``examples`` holds one
    (features, targets) pair per topic, as :func:`pair_examples` makes them."""
    rows = [x for x, _ in examples if len(x)]
    if not rows:
        raise ValueError("no article pairs to fit the event pair model on")
    x = np.column_stack([np.vstack(rows), np.ones(sum(len(r) for r in rows))])
    y = np.concatenate([t for x_, t in examples if len(x_)])
    penalty = l2 * np.diag([*([1.0] * len(FEATURES)), 0.0])
    w = np.zeros(x.shape[1])
    for _ in range(_ROUNDS):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return PairModel(
        tuple(round(float(v), 6) for v in w[:-1]),
        round(float(w[-1]), 6),
        trained_on=tuple(trained_on),
    )


def model_from_json(text: str) -> PairModel:
    """Read a model written by :meth:`PairModel.to_json`."""
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != VERSION or tuple(data.get("features", ())) != FEATURES:
        raise SettingsError(
            f"event pair model {data.get('version')!r} with features "
            f"{data.get('features')!r} does not match {VERSION!r} {FEATURES!r}; rewrite it "
            "with `python -m storyline.bench.pair_model PATH`"
        )
    return PairModel(
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        trained_on=tuple(data.get("trained_on", ())),
    )


@cache
def load_pair_model() -> PairModel:
    """The shipped model (read once)."""
    text = resources.files("storyline.cluster").joinpath("event_pairs.json").read_text("utf-8")
    return model_from_json(text)


def learned_merges(
    events: Sequence[tuple[str, Sequence[Features]]],
    vocab: Vocabulary,
    threshold: float,
    model: PairModel | None = None,
    max_gap_days: int | None = None,
    max_span_days: int | None = None,
    probabilities: Callable[[Sequence[Features], Vocabulary], np.ndarray] | None = None,
) -> list[Merge]:
    """The merges among ``events`` (id and members, oldest first, all of one story) whose
    articles the pair model finds, on average, at least ``threshold`` likely to report
    one happening: average linkage, the likeliest pair first, into the older event,
    until no pair reaches it. Events further apart in time than the ratio merges allow
    (``max_gap_days``, ``max_span_days``) never merge. ``threshold`` <= 0: none."""
    items = [item for _, members in events for item in members]
    if threshold <= 0 or len(events) < 2 or not items:
        return []
    score = probabilities or (model or load_pair_model()).probabilities
    matrix = score(items, vocab)
    spans = [_span(item.day for item in members) for _, members in events]
    apart = _apart(spans, max_gap_days, max_span_days)
    count = len(events)
    member = np.zeros((len(items), count))
    member[np.arange(len(items)), np.repeat(np.arange(count), [len(m) for _, m in events])] = 1
    sums = member.T @ matrix @ member
    weight = member.sum(axis=0)
    alive = weight > 0
    merges: list[Merge] = []
    while True:
        between = sums / np.maximum(np.outer(weight, weight), 1.0)
        valid = np.outer(alive, alive) & ~np.eye(count, dtype=bool) & ~apart
        scores = np.where(valid, between, -np.inf)
        first, second = np.unravel_index(int(np.argmax(scores)), scores.shape)
        if scores[first, second] < threshold:
            return merges
        keep, gone = int(min(first, second)), int(max(first, second))
        merges.append(
            Merge(
                events[keep][0],
                events[gone][0],
                round(float(between[keep, gone]), 4),
                threshold,
                basis="model",
            )
        )
        sums[keep, :] += sums[gone, :]
        sums[:, keep] += sums[:, gone]
        sums[gone, :] = 0.0
        sums[:, gone] = 0.0
        weight[keep] += weight[gone]
        weight[gone] = 0.0
        alive[gone] = False
        apart[keep, :] |= apart[gone, :]
        apart[:, keep] |= apart[:, gone]


SPLIT_BELOW = 0.5  # a learned split needs the halves more likely two happenings than one


def learned_split(
    members: Sequence[Features],
    vocab: Vocabulary,
    ratio: float,
    model: PairModel | None = None,
) -> Split | None:
    """The bisection of one event (members in arrival order) by the pair model's
    probabilities, kept when both halves hold :data:`MIN_PART` articles, the mean
    probability between them is under :data:`SPLIT_BELOW` and under ``ratio`` times the
    looser half's inner mean; ``None`` otherwise, or when ``ratio`` <= 0."""
    if ratio <= 0 or len(members) < 2 * MIN_PART:
        return None
    matrix = (model or load_pair_model()).probabilities(members, vocab)
    labels = bisect(matrix)
    kept, moved = labels == 0, labels == 1
    if kept.sum() < MIN_PART or moved.sum() < MIN_PART:
        return None
    between = between_mean(matrix, kept, moved, np.ones(len(members)))
    within = min(within_mean(matrix, kept), within_mean(matrix, moved))
    if not between < SPLIT_BELOW or not between < ratio * within:
        return None
    ids = [m.article_id for m in members]
    return Split(
        tuple(i for i, k in zip(ids, kept, strict=True) if k),
        tuple(i for i, m in zip(ids, moved, strict=True) if m),
        round(between, 4),
        round(within, 4),
        basis="model",
    )
