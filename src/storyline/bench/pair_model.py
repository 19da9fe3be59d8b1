"""Fit the event pair model: ``python -m storyline.bench.pair_model PATH [OUT]``.

PATH holds a cluster data set with gold events (as for ``storyline bench cluster``,
e.g. ECB+); it is ingested and enriched in a temporary store, and the model is fitted
on every pair of articles of one topic (:func:`storyline.bench.cluster.topic_of`),
labelled by whether their gold events agree, and written to OUT (default: the
package's ``cluster/event_pairs.json``, which an editable install reads from the source
tree). Prints the model.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from storyline.cluster.features import Features
from storyline.cluster.pair_model import PairModel, fit_pair_model, pair_examples
from storyline.cluster.similarity import Vocabulary
from storyline.settings import load_settings

Examples = dict[str, tuple[np.ndarray, np.ndarray]]


def topic_examples(
    features: Sequence[Features],
    gold: Mapping[str, str | None],
    topics: Mapping[str, str | None],
) -> Examples:
    """Per topic, the pair features and same-event targets of its articles with a gold
    event, under the document frequencies of the whole set (as consolidation at the end
    of a run sees them)."""
    vocab = Vocabulary()
    for item in features:
        vocab.add(item)
    members: dict[str, list[Features]] = {}
    for item in features:
        topic = topics.get(item.article_id)
        if topic is not None and gold.get(item.article_id) is not None:
            members.setdefault(topic, []).append(item)
    return {
        topic: pair_examples(items, vocab, [str(gold[i.article_id]) for i in items])
        for topic, items in sorted(members.items())
        if len(items) > 1
    }


def fit_without(examples: Examples, left_out: str | None = None) -> PairModel:
    """The model fitted on every topic but ``left_out``."""
    kept = sorted(t for t in examples if t != left_out)
    return fit_pair_model([examples[t] for t in kept], trained_on=kept)


def main(argv: list[str]) -> int:
    from storyline.bench import cluster as bench

    if not 1 <= len(argv) <= 2:
        print("usage: python -m storyline.bench.pair_model PATH [OUT]", file=sys.stderr)
        return 2
    shipped = Path(str(resources.files("storyline.cluster").joinpath("event_pairs.json")))
    out = Path(argv[1]) if len(argv) == 2 else shipped
    prepared = bench.prepare(Path(argv[0]), load_settings())
    gold = prepared.gold
    topics = {a: bench.topic_of({k: gold[k].get(a) for k in gold}) for a in gold["event"]}
    model = fit_without(topic_examples(prepared.features(), gold["event"], topics))
    out.write_text(model.to_json(), encoding="utf-8")
    print(model.to_json(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
