"""The date model: a small logistic regression that weighs the evidence that a date
mattered, shipped in the package (``date_model.json``, no download).

Each candidate date of a collection has three counts (:class:`storyline.narrate.dates.
Candidate`): articles naming it, later articles naming it by calendar date, and articles
reporting it in their undated lead. Each count becomes ``log(1 + n)`` divided by the
largest such value in the collection, so that a date's features say how it stands
against the other dates of its own collection, whatever the collection's size or
length. The model's score is ``w . x + b``; only the order of the scores matters.

The shipped weights are fitted on the development timelines (Timeline17: every gold
timeline's candidate dates, labelled by whether the gold timeline has them) with
:func:`fit_date_model`; ``storyline bench tls PATH --by-topic`` fits them anew without
each topic in turn to score that topic, and ``python -m storyline.bench.tls_model PATH``
rewrites the shipped file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from storyline.errors import SettingsError

VERSION = "dates.lr.v1"
FEATURES = ("naming", "later", "leads")
L2 = 10.0  # ridge penalty of the fit (chosen leave-one-topic-out, see docs/benchmarks.md)
_ROUNDS = 30  # Newton steps (the fit converges in a handful)


@dataclass(frozen=True)
class DateModel:
    """Weights of the date features (in :data:`FEATURES` order) and a bias."""

    weights: tuple[float, ...]
    bias: float = 0.0
    version: str = VERSION
    features: tuple[str, ...] = FEATURES
    trained_on: tuple[str, ...] = ()  # the topics the weights were fitted on

    def score(self, counts: Sequence[Sequence[float]]) -> np.ndarray:
        """Scores of a collection's candidate dates (one row of counts each)."""
        scores: np.ndarray = features(counts) @ np.asarray(self.weights, float) + self.bias
        return scores

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def features(counts: Sequence[Sequence[float]]) -> np.ndarray:
    """``log(1 + n)`` of each count over the largest in its column (0 when all are 0)."""
    values = np.log1p(np.asarray(counts, float).reshape(len(counts), len(FEATURES)))
    top = values.max(axis=0, initial=0.0)
    top[top == 0] = 1.0
    result: np.ndarray = values / top
    return result


def fit_date_model(
    examples: Sequence[tuple[Sequence[Sequence[float]], Sequence[bool]]],
    trained_on: Sequence[str] = (),
    l2: float = L2,
) -> DateModel:
    """Logistic regression (Newton's method, ridge penalty ``l2`` on the weights) of
    "the gold timeline has this date" on the features of every candidate date;
    ``examples`` holds one (counts, labels) pair per collection."""
    rows = [features(counts) for counts, _ in examples if len(counts)]
    if not rows:
        raise ValueError("no candidate dates to fit the date model on")
    x = np.column_stack([np.vstack(rows), np.ones(sum(len(r) for r in rows))])
    y = np.concatenate([np.asarray(labels, float) for counts, labels in examples if len(counts)])
    penalty = l2 * np.diag([*([1.0] * len(FEATURES)), 0.0])
    w = np.zeros(x.shape[1])
    for _ in range(_ROUNDS):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return DateModel(
        tuple(round(float(v), 6) for v in w[:-1]),
        round(float(w[-1]), 6),
        trained_on=tuple(trained_on),
    )


def model_from_json(text: str) -> DateModel:
    """Read a model written by :meth:`DateModel.to_json`."""
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != VERSION or tuple(data.get("features", ())) != FEATURES:
        raise SettingsError(
            f"date model {data.get('version')!r} with features {data.get('features')!r} does "
            f"not match {VERSION!r} {FEATURES!r}; rewrite it with "
            "`python -m storyline.bench.tls_model PATH`"
        )
    return DateModel(
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        trained_on=tuple(data.get("trained_on", ())),
    )


@cache
def load_date_model() -> DateModel:
    """The shipped model (read once)."""
    text = resources.files("storyline.narrate").joinpath("date_model.json").read_text("utf-8")
    return model_from_json(text)
