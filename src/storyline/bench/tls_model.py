"""Refit the shipped date model: ``python -m storyline.bench.tls_model PATH [OUT]``.

PATH holds topic folders in the news-tls layout (as for ``storyline bench tls``); the
model is fitted on every gold timeline of every topic and written to OUT (default: the
package's ``narrate/date_model.json``, which an editable install reads from the source
tree). Prints the model.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from storyline.bench.tls import fit_model, load_corpora
from storyline.settings import load_settings


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: python -m storyline.bench.tls_model PATH [OUT]", file=sys.stderr)
        return 2
    shipped = Path(str(resources.files("storyline.narrate").joinpath("date_model.json")))
    out = Path(argv[1]) if len(argv) == 2 else shipped
    model = fit_model(load_corpora(Path(argv[0]), load_settings()))
    out.write_text(model.to_json(), encoding="utf-8")
    print(model.to_json(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
