"""The date model: a small logistic regression that weighs the evidence that a date
mattered, shipped in the package (``date_model.json``, no download).

Each candidate date of a collection has five counts (:class:`storyline.narrate.dates.
Candidate`, :data:`COUNTS`): articles naming it, later articles naming it by calendar
date, articles reporting it in their undated lead, articles published late enough to
look back on it, and articles published near it (from the day before to the day after:
the day's news, whether or not their sentences carry the date). All but the fourth
become ``log(1 + n)`` divided by the largest such value in the collection, so that a
date's features say how it stands against the other dates of its own collection,
whatever the collection's size or length. The fourth
feature, ``later_share``, is the share of the articles that could look back on the date
that did, ``log((later + a) / (after + max(b * max after, floor)))`` (pseudo-counts
:data:`SHARE_PRIOR` so that a handful of articles proves little), relative to the
collection's largest: in a long story the later reports of a date late in the story
are few because few reports come after it, not because it mattered less, and raw
counts ranked such dates under the busy first weeks. The model's score is
``w . x + b``; only the order of the scores matters.

The shipped weights are fitted on the development timelines (Timeline17: every gold
timeline's candidate dates, labelled by whether the gold timeline has them) with
:func:`fit_date_model`, each topic weighing the same however many timelines and
candidate dates it has (a topic with five long timelines would otherwise teach its own
shape); ``storyline bench tls PATH --by-topic`` fits them anew without each topic in
turn to score that topic, and ``python -m storyline.bench.tls_model PATH`` rewrites the
shipped file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

import numpy as np

from storyline.logistic import fit_logistic, read_weights

VERSION = "dates.lr.v3"
# the raw evidence of a candidate date
COUNTS = ("naming", "later", "leads", "after", "near")
FEATURES = ("naming", "later", "leads", "later_share", "near")
L2 = 40.0  # ridge penalty of the fit (chosen leave-one-topic-out, see docs/benchmarks.md)
_SCALED = [0, 1, 2, 4]  # the columns of COUNTS that become log(1 + n) over their largest
# later_share pseudo-counts: ``a`` later reports out of ``b`` times the most articles that
# could look back on a date, and at least ``floor`` articles (so that in a small collection
# the last days, which no report could look back on yet, do not look the best)
SHARE_PRIOR = (0.5, 0.05, 20.0)
MIN_TOP = 3.0  # a count scale: one or two articles is no maximum to measure a collection by
TOPIC_WEIGHT = 100.0  # each topic's candidate dates weigh this much in all in the fit


@dataclass(frozen=True)
class DateModel:
    """Weights of the date features (in :data:`FEATURES` order) and a bias."""

    weights: tuple[float, ...]
    bias: float = 0.0
    version: str = VERSION
    features: tuple[str, ...] = FEATURES
    trained_on: tuple[str, ...] = ()  # the topics the weights were fitted on

    def score(self, counts: Sequence[Sequence[float]]) -> np.ndarray:
        """Scores of a collection's candidate dates (one row of :data:`COUNTS` each)."""
        scores: np.ndarray = features(counts) @ np.asarray(self.weights, float) + self.bias
        return scores

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def features(counts: Sequence[Sequence[float]]) -> np.ndarray:
    """The features of a collection's candidate dates (rows of :data:`COUNTS`), in
    :data:`FEATURES` order: the counts ``naming``, ``later``, ``leads`` and ``near`` as
    ``log(1 + n)`` over the largest in their column (or over ``log(1 + MIN_TOP)`` when
    the largest is smaller), and ``later_share`` minus its largest in the collection (so
    at most 0)."""
    raw = np.asarray(counts, float).reshape(len(counts), len(COUNTS))
    values = np.log1p(raw[:, _SCALED])
    top = np.maximum(values.max(axis=0, initial=0.0), np.log1p(MIN_TOP))
    a, b, floor = SHARE_PRIOR
    looking_back = raw[:, 3]
    prior = max(b * float(looking_back.max(initial=0.0)), floor)
    share = np.log((raw[:, 1] + a) / (looking_back + prior))
    if len(share):
        share -= share.max()
    scaled = values / top
    result: np.ndarray = np.column_stack([scaled[:, :3], share, scaled[:, 3]])
    return result


def fit_date_model(
    examples: Sequence[tuple[Sequence[Sequence[float]], Sequence[bool]]],
    trained_on: Sequence[str] = (),
    l2: float = L2,
    groups: Sequence[str] | None = None,
) -> DateModel:
    """Weighted logistic regression (Newton's method, ridge penalty ``l2`` on the
    weights) of "the gold timeline has this date" on the features of every candidate
    date; ``examples`` holds one (counts, labels) pair per collection, ``groups`` the
    topic of each (default: each its own). Each topic's candidate dates weigh
    :data:`TOPIC_WEIGHT` in all, shared equally by its collections."""
    names = list(groups) if groups is not None else [str(i) for i in range(len(examples))]
    if len(names) != len(examples):
        raise ValueError(f"{len(names)} groups for {len(examples)} examples")
    kept = [
        (counts, labels, name)
        for (counts, labels), name in zip(examples, names, strict=True)
        if len(counts)
    ]
    if not kept:
        raise ValueError("no candidate dates to fit the date model on")
    per_group = Counter(name for _, _, name in kept)
    rows = [features(counts) for counts, _, _ in kept]
    weight = np.concatenate(
        [
            np.full(len(r), TOPIC_WEIGHT / len(r) / per_group[name])
            for r, (_, _, name) in zip(rows, kept, strict=True)
        ]
    )
    y = np.concatenate([np.asarray(labels, float) for _, labels, _ in kept])
    weights, bias = fit_logistic(np.vstack(rows), y, l2, weight)
    return DateModel(weights, bias, trained_on=tuple(trained_on))


def model_from_json(text: str) -> DateModel:
    """Read a model written by :meth:`DateModel.to_json`."""
    weights, bias, trained_on = read_weights(
        text, "date model", VERSION, FEATURES, "python -m storyline.bench.tls_model PATH"
    )
    return DateModel(weights, bias, trained_on=trained_on)


@cache
def load_date_model() -> DateModel:
    """The shipped model (read once)."""
    text = resources.files("storyline.narrate").joinpath("date_model.json").read_text("utf-8")
    return model_from_json(text)
