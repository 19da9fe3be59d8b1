"""Benchmarks behind ``storyline bench TASK PATH``.

Each task is a module ``storyline.bench.<task>`` with a function
``run(path: Path, settings: Settings) -> dict[str, Any]`` that runs from scratch (a
fresh temporary store where one is needed) and returns the JSON-able result; the CLI
prints it as the last line of standard output. Progress goes to standard error.
"""

from __future__ import annotations

import importlib
import resource
from pathlib import Path
from typing import Any

from storyline.errors import BenchError
from storyline.settings import Settings

TASKS: tuple[str, ...] = (
    "pipeline",
    "extract",
    "timex",
    "quotes",
    "tls",
    "cluster",
    "similarity",
    "scaling",
    "web",
    "dask",
    "follow",
)


def peak_rss_mb() -> float:
    """Peak resident memory (MB) of this process or of any of its finished children
    (enrichment workers), whichever is larger."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024.0, 1)


BY_TOPIC: tuple[str, ...] = ("cluster", "tls")  # tasks that take ``by_topic``


def run_bench(
    task: str, path: Path, settings: Settings, *, by_topic: bool = False
) -> dict[str, Any]:
    """Run benchmark ``task`` on the data at ``path``; ``by_topic`` also scores every topic
    on its own, with whatever the task fits fitted without that topic."""
    if task not in TASKS:
        raise BenchError(f"unknown benchmark {task!r}; choose one of: {', '.join(TASKS)}")
    if by_topic and task not in BY_TOPIC:
        raise BenchError(
            f"benchmark {task!r} has no --by-topic mode; it exists for {', '.join(BY_TOPIC)}"
        )
    if not path.exists():
        raise BenchError(f"benchmark data {str(path)!r} does not exist")
    module = importlib.import_module(f"storyline.bench.{task}")
    result: dict[str, Any] = (
        module.run(path, settings, by_topic=True) if by_topic else module.run(path, settings)
    )
    return result
