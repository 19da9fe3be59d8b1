"""The ``storyline`` command line: a thin face over ``storyline.service``.

Each module registers its commands on the one Typer ``app``; see ``storyline.cli.app``
for the global options and the exit codes (0 success, 1 inputs rejected, 2 error).
"""

from __future__ import annotations

from storyline.cli import (  # noqa: F401  (registers commands)
    articles,
    bench,
    clusters,
    follow,
    narrate,
    web,
)
from storyline.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
