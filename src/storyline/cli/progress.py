"""Progress of the long stages (ingest, enrich, cluster) on standard error.

On a terminal: a rich progress bar with the stage, done/total and the time left. When
standard error is not a terminal (a log file, a pipe, CI): one plain line per stage when
it starts reporting and then every :data:`LOG_SECONDS`, with done/total and the time left.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

LOG_SECONDS = 10.0  # seconds between two progress lines when standard error is no terminal

StageUpdate = Callable[[str, int, int], None]  # (stage, done, total: 0 when not known)


def eta_seconds(done: int, total: int, elapsed: float) -> float | None:
    """Seconds left at the rate so far, or ``None`` when it cannot be told yet."""
    if total <= 0 or done <= 0 or elapsed <= 0:
        return None
    return max(0.0, (total - done) * elapsed / done)


def progress_line(stage: str, done: int, total: int, elapsed: float) -> str:
    """``enriching: 30/60 articles, about 12 s left`` (no total: ``ingesting: 30 articles``)."""
    if total <= 0:
        return f"{stage}: {done} articles, {elapsed:.0f} s so far"
    line = f"{stage}: {done}/{total} articles"
    left = eta_seconds(done, total, elapsed)
    if left is not None and done < total:
        line += f", about {_duration(left)} left"
    return line


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@contextmanager
def stage_progress(console: Console) -> Iterator[StageUpdate]:
    """Yields ``update(stage, done, total)``; each new ``stage`` starts a new bar (or line)."""
    if console.is_terminal:
        with _bars(console) as update:
            yield update
    else:
        yield _LogLines(console).update


@contextmanager
def _bars(console: Console) -> Iterator[StageUpdate]:
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                for task in tasks.values():
                    bars.update(task, visible=False)
                tasks[stage] = bars.add_task(stage, total=total or None)
                bars.update(tasks[stage], completed=done, total=total or None)
                bars.refresh()  # show a new stage at once
                return
            bars.update(tasks[stage], completed=done, total=total or None)

        yield update


class _LogLines:
    """Plain progress lines, at most one per :data:`LOG_SECONDS` within a stage."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._stage = ""
        self._started = self._last = time.monotonic()
        self._logged = 0.0

    def update(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != self._stage:
            # the stage began when the previous one last reported (or the run started)
            self._stage, self._started, self._logged = stage, self._last, 0.0
        self._last = now
        if self._logged and now - self._logged < LOG_SECONDS and not (total and done >= total):
            return
        self._logged = now
        self._console.print(
            progress_line(stage, done, total, now - self._started),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
