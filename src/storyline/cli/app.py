"""The Typer application, its global options and the helpers every command uses.

Exit codes: 0 success; 1 the command ran but some inputs were rejected (``ingest``);
2 an error stopped the command (bad option, unreadable store, unknown id, ...), reported
as one line on standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, ClassVar, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from storyline import service
from storyline.cli.progress import StageUpdate, stage_progress
from storyline.errors import StorylineError
from storyline.settings import Settings, load_settings
from storyline.store.base import Store

app = typer.Typer(
    help="storyline: local-first news intelligence. Ingest articles, then explore them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_REJECTED = 1
EXIT_ERROR = 2


class _State:
    """Global options of this invocation, set by the callback before any command runs."""

    overrides: ClassVar[dict[str, Any]] = {}
    config: ClassVar[Path | None] = None


def current_settings() -> Settings:
    return load_settings(_State.overrides, config=_State.config)


def override_setting(name: str, value: Any) -> None:
    """A command's own option that is also a setting (``ingest --scheduler`` sets
    ``dask.scheduler``): it wins over the file and the environment, as ``--set`` does."""
    if value is None:
        return
    _State.overrides = {**_State.overrides, name: value}
    try:
        current_settings()
    except StorylineError as exc:
        fail(str(exc))


def fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def open_store(*, create: bool = False) -> Iterator[Store]:
    """The store named by ``--db``; only ``create`` (ingest) may make a new one, and
    says so on standard error."""
    settings = current_settings()
    try:
        if create and not service.store_exists(settings):
            store = service.open_store(settings, create=True)
            err.print(f"created a new store {escape(str(settings['db']))}")
        else:
            store = service.open_store(settings, create=False)
    except StorylineError as exc:
        fail(str(exc))
    try:
        yield store
    except StorylineError as exc:
        fail(str(exc))
    finally:
        store.close()


WIDE = 120  # below this terminal width, listings print one block per row, not a table


def is_narrow() -> bool:
    """Whether standard output is too narrow for the wide tables (``COLUMNS`` counts)."""
    return out.width < WIDE


def print_wrapped(text: str) -> None:
    """A line (rich markup) wrapped at word boundaries to the terminal width."""
    out.print(text, soft_wrap=False, overflow="fold")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _print_version(value: bool) -> None:
    if value:
        from storyline import __version__

        out.print(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Store file, or a postgresql:// URL (setting `db`, env STORYLINE_DB).",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="A storyline.toml settings file.", show_default=False),
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override any setting: --set dedupe.threshold=0.9 (see `storyline settings`).",
            show_default=False,
        ),
    ] = None,
) -> None:
    overrides: dict[str, Any] = {}
    for item in setting or []:
        name, sep, value = item.partition("=")
        if not sep:
            fail(f"--set takes NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value.strip()
    if db is not None:
        overrides["db"] = db
    _State.overrides = overrides
    _State.config = config
    try:
        current_settings()
    except StorylineError as exc:
        fail(str(exc))


@contextmanager
def progress() -> Iterator[StageUpdate]:
    """Progress of long stages on standard error: ``update(stage, done, total)``."""
    with stage_progress(err) as update:
        yield update
