"""``storyline serve``: the HTTP JSON API and the web UI on one local server."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.markup import escape

from storyline import service
from storyline.cli.app import app, current_settings, err, fail
from storyline.errors import StorylineError


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Server processes sharing the port (each with its own store connections "
            "and caches; writers still take the store's lock one at a time).",
            min=1,
            max=64,
        ),
    ] = 1,
) -> None:
    """Serve the web UI and the JSON API (/api, schema at /api/openapi.json)."""
    try:
        import uvicorn

        from storyline.web import create_app
        from storyline.web.app import SETTINGS_VARIABLE, settings_json
    except ImportError as exc:
        fail(f"the web server needs {exc.name!r}, which storyline installs: reinstall it")
    settings = current_settings()
    if not service.store_exists(settings):
        err.print(
            f"[yellow]note:[/yellow] no store at {escape(repr(settings['db']))} yet: "
            "serving a new, empty one (`storyline ingest PATH` fills it; check --db if you "
            "meant another)"
        )
    try:
        web_app = create_app(settings)
    except StorylineError as exc:
        fail(str(exc))
    if host not in {"127.0.0.1", "localhost", "::1"}:
        err.print(f"[yellow]warning:[/yellow] listening on {host}: reachable from other machines")
    err.print(f"storyline: http://{host}:{port}/  (Ctrl+C stops)")
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
        return
    web_app.state.pool.close()  # each worker process opens its own
    os.environ[SETTINGS_VARIABLE] = settings_json(settings)
    uvicorn.run(
        "storyline.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
