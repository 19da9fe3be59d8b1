"""``storyline bench TASK PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app, current_settings, fail, print_json
from storyline.errors import StorylineError


@app.command()
def bench(
    task: Annotated[str, typer.Argument(help="pipeline, extract, timex, quotes, ...")],
    path: Annotated[Path, typer.Argument(help="Benchmark data folder or file.")],
    by_topic: Annotated[
        bool,
        typer.Option(
            "--by-topic",
            help="cluster, tls: also score every topic on its own, with anything the task "
            "fits (tls: the date model) fitted without that topic.",
        ),
    ] = False,
) -> None:
    """Run one benchmark from scratch; the last line of output is its JSON result."""
    from storyline.bench import run_bench

    try:
        result = run_bench(task, path, current_settings(), by_topic=by_topic)
    except StorylineError as exc:
        fail(str(exc))
    print_json(result)
