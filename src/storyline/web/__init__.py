"""The HTTP JSON API and the web UI, served by ``storyline serve``.

``create_app(settings)`` builds the FastAPI application (``app``); the routers are
``api`` and ``pages``, and what they share with the application is in ``deps``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from storyline.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings) -> FastAPI:
    """The storyline web application over the store named by the ``db`` setting."""
    from storyline.web.app import create_app as _create

    return _create(settings)
