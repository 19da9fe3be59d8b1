"""What the API and the pages take from the application: a store per request, settings,
the JSON error shape. Its own module so that ``app`` (which mounts the routers) and the
routers (which use these) do not import each other.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from storyline import service
from storyline.errors import SettingsError
from storyline.settings import Settings
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow
from storyline.web.cache import MISSING, Body, StoreVersions, StoryCache, accepts_gzip

__all__ = [
    "StorePool",
    "body_response",
    "cached",
    "error_body",
    "setting_or",
    "store_dependency",
    "story_row",
]

T = TypeVar("T")


def setting_or(settings: Settings, name: str, default: Any) -> Any:
    """A setting's value, or ``default`` while the setting is not in the table yet."""
    try:
        return settings[name]
    except SettingsError:
        return default


class StorePool:
    """Stores opened on demand and handed to one request at a time. A PostgreSQL store
    is one object for every request: its own connection pool (psycopg_pool) lends each
    call a connection, so several threads and server processes share the database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._idle: queue.SimpleQueue[Store] = queue.SimpleQueue()
        self._all: list[Store] = []
        self._shared = service.is_postgres_url(str(settings["db"]))
        self._lock = threading.Lock()

    def acquire(self) -> Store:
        if self._shared:
            with self._lock:
                if not self._all:
                    self._all.append(service.open_store(self.settings))
                return self._all[0]
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            store = service.open_store(self.settings)
            self._all.append(store)
            return store

    def probe(self) -> Store:
        """A store no request is lent (its change token is the server's store version)."""
        if self._shared:
            return self.acquire()
        store = service.open_store(self.settings)
        with self._lock:
            self._all.append(store)
        return store

    def release(self, store: Store) -> None:
        if not self._shared:
            self._idle.put(store)

    def close(self) -> None:
        for store in self._all:
            store.close()
        self._all.clear()


def store_dependency(request: Request) -> Iterator[Store]:
    """FastAPI dependency: a store for the duration of one request."""
    pool: StorePool = request.app.state.pool
    store = pool.acquire()
    try:
        yield store
    finally:
        pool.release(store)


async def cached(
    request: Request, key: tuple[Any, ...], build: Callable[[Store], T], *, versioned: bool = True
) -> T:
    """The view ``key`` names, from the cache without leaving the event loop, else built
    once (concurrent askers wait for that build) in a worker thread with a pooled store.
    ``versioned``: keyed by the store's generation too (rebuilt after any write); else
    the key itself must name what makes the view stale (a story's ``signature``)."""
    cache: StoryCache = request.app.state.story_cache
    if versioned:
        versions: StoreVersions = request.app.state.versions
        key = (key[0], versions.current(), *key[1:])
    hit = cache.peek(key)
    if hit is not MISSING:
        found: T = hit
        return found
    pool: StorePool = request.app.state.pool
    return await run_in_threadpool(_build, pool, cache, key, build)


def _build(
    pool: StorePool, cache: StoryCache, key: tuple[Any, ...], build: Callable[[Store], T]
) -> T:
    store = pool.acquire()
    try:
        return cache.get(key, lambda: build(store))
    finally:
        pool.release(store)


async def story_row(request: Request, story_id: str) -> ClusterRow:
    """The story's row (followed through merges), read once per store generation."""
    return await cached(
        request, ("story-row", story_id), lambda s: service.get_cluster(s, "story", story_id)
    )


def body_response(request: Request, body: Body, media_type: str) -> Response:
    """A cached body, gzipped when the client takes gzip."""
    headers = {"Vary": "Accept-Encoding"}
    if accepts_gzip(request.headers.get("accept-encoding")):
        headers["Content-Encoding"] = "gzip"
        return Response(body.gzipped, media_type=media_type, headers=headers)
    return Response(body.plain, media_type=media_type, headers=headers)


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}
