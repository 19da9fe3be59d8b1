"""The FastAPI application: JSON API under ``/api``, HTML pages elsewhere, one server.

Stores come from a small pool (one SQLite connection per concurrent request, never
shared by two threads at once). Every ``StorylineError`` maps to one JSON error shape
under ``/api`` (``{"error": {"type": ..., "message": ...}}``) and to an error page
elsewhere. Every response carries a strict Content-Security-Policy: no inline script or
style, nothing from another origin.
"""

from __future__ import annotations

import json
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.errors import InputError, NotFoundError, StorylineError
from storyline.settings import Settings
from storyline.web import api, pages
from storyline.web.cache import StoreVersions, StoryCache
from storyline.web.deps import StorePool, error_body

__all__ = ["CSP", "app_from_environment", "create_app", "settings_json"]

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


_RAW_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in _HEADERS.items()]
_RAW_NAMES = frozenset(name for name, _ in _RAW_HEADERS)


class _SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every HTTP response (cheaper
    per request than ``@app.middleware("http")``, which streams each response through
    a task and a memory channel)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kept = [(k, v) for k, v in headers if k.lower() not in _RAW_NAMES]
                message = {**message, "headers": kept + _RAW_HEADERS}
            await send(message)

        await self.app(scope, receive, with_headers)


def _status(exc: StorylineError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, InputError):
        return 400
    return 500


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error_response(request: Request, status: int, kind: str, message: str) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(kind, message), status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "kind": kind, "message": message}, status
    )


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(StorylineError)
    async def _storyline(request: Request, exc: StorylineError) -> Response:
        return _error_response(request, _status(exc), type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        parts = [
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"
            for err in exc.errors()
        ]
        return _error_response(request, 422, "ValidationError", "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(request, exc.status_code, "HTTPError", str(exc.detail))


def create_app(settings: Settings) -> FastAPI:
    """The storyline web application over the store named by the ``db`` setting."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        app.state.pool.close()

    app = FastAPI(
        title="storyline",
        summary="Local-first news intelligence: articles, stories, timelines, comparisons.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pool = StorePool(settings)
    app.state.templates = pages.templates()
    app.state.story_cache = StoryCache()
    app.state.versions = StoreVersions(app.state.pool.probe)

    app.add_middleware(_SecurityHeaders)
    _install_errors(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


SETTINGS_VARIABLE = "STORYLINE_WEB_SETTINGS"


def settings_json(settings: Settings) -> str:
    """The resolved settings as the worker processes of ``serve --workers`` read them."""
    return json.dumps(dict(settings.values))


def app_from_environment() -> FastAPI:
    """The application of one ``serve --workers`` process, over the settings its parent
    resolved (``STORYLINE_WEB_SETTINGS``)."""
    values = json.loads(os.environ.get(SETTINGS_VARIABLE, "{}"))
    return create_app(Settings({}).with_overrides(values, where=SETTINGS_VARIABLE))
