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
from importlib import resources
from pathlib import Path

from storyline.bench import cluster as bench
from storyline.cluster.pair_model import fit_without, topic_examples
from storyline.settings import load_settings


def main(argv: list[str]) -> int:
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
