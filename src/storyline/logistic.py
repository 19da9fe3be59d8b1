"""Ridge-penalised logistic regression, fitted by Newton's method, and the JSON form of
its weights: what the models shipped in the package are made of (the date model,
:mod:`storyline.narrate.date_model`; the event pair model,
:mod:`storyline.cluster.pair_model`). Pure numpy; a fit on a few thousand rows of a
handful of features converges in a few steps."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from storyline.errors import SettingsError

ROUNDS = 30  # Newton steps (the fits converge in a handful)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float, weight: np.ndarray | None = None
) -> tuple[tuple[float, ...], float]:
    """Weights (one per column of ``x``) and bias of ``P(y) = sigmoid(x . w + b)``,
    rounded to 6 places; ridge penalty ``l2`` on the weights, none on the bias; ``weight``
    weighs each row (default: all 1)."""
    design = np.column_stack([x, np.ones(len(x))])
    rows = np.ones(len(x)) if weight is None else np.asarray(weight, float)
    penalty = l2 * np.diag([*([1.0] * x.shape[1]), 0.0])
    w = np.zeros(design.shape[1])
    for _ in range(ROUNDS):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (rows * (p - y)) + penalty @ w
        hessian = design.T @ (design * (rows * p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return tuple(round(float(v), 6) for v in w[:-1]), round(float(w[-1]), 6)


def read_weights(
    text: str, what: str, version: str, features: Sequence[str], refit: str
) -> tuple[tuple[float, ...], float, tuple[str, ...]]:
    """Weights, bias and training topics of a model file written for ``version`` and
    ``features``; any other file is refused with the command ``refit`` that rewrites it."""
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != version or tuple(data.get("features", ())) != tuple(features):
        raise SettingsError(
            f"{what} {data.get('version')!r} with features {data.get('features')!r} does "
            f"not match {version!r} {tuple(features)!r}; rewrite it with `{refit}`"
        )
    return (
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        tuple(str(t) for t in data.get("trained_on", ())),
    )
