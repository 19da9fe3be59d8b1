"""The cache of computed story views (pages, the story list's rows, the API's story JSON).

Views are keyed by what makes them stale: the story's row (id, article count, event
count, last day; ``signature``), which every write that touches the story changes, so
a view is never served after its story changed and nothing needs invalidating by hand.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from storyline.store.base import Store
from storyline.store.clusters import ClusterRow

T = TypeVar("T")


def signature(row: ClusterRow) -> tuple[Any, ...]:
    """What a story view depends on: it changes whenever the story does."""
    return (row.id, row.articles, row.events, row.end)


MISSING = object()  # what StoryCache.peek gives for a key it does not hold


class _Flight:
    """One build in progress: later askers of the same key wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.failed = False


class StoryCache:
    """A small thread-safe LRU of computed views, keyed by what makes them stale.

    One builder per key: requests that miss while the view is being built wait for that
    build instead of building it again (no stampede when a hundred clients open a cold
    story page at once). A failed build is not cached; each waiter then builds itself.
    """

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._flights: dict[tuple[Any, ...], _Flight] = {}
        self._lock = threading.Lock()
        self._size = size
        self.builds = 0  # how many times a view was computed (for tests and benches)

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached value, or ``MISSING`` (never waits, never builds)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return MISSING

    def get(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                value: T = self._items[key]
                return value
            flight = self._flights.get(key)
            owner = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not owner:
            flight.done.wait()
            if not flight.failed:
                waited: T = flight.value
                return waited
            return build()
        try:
            value = build()
        except BaseException:
            flight.failed = True
            raise
        finally:
            with self._lock:
                self._flights.pop(key, None)
                if not flight.failed:
                    self.builds += 1
                    flight.value = value
                    self._items[key] = value
                    while len(self._items) > self._size:
                        self._items.popitem(last=False)
            flight.done.set()
        return value


class StoreVersions:
    """The store's generation as this server process sees it: a number that moves on
    whenever anything was committed to the store (by a request, the CLI or another
    process), so views keyed by it are never served stale and nothing is invalidated
    by hand.

    One store object of its own (a SQLite connection no request uses, or the shared
    PostgreSQL store) answers ``Store.change_token``; when the token differs from the
    last one, the generation moves on. A view built under generation ``g`` read the
    store no earlier than when ``g`` began, and a request that follows a commit sees a
    generation that began after that commit.
    """

    def __init__(self, probe: Callable[[], Store]) -> None:
        self._open = probe
        self._probe: Store | None = None
        self._lock = threading.Lock()
        self._token: object = _UNSEEN
        self._generation = 0

    def current(self) -> int:
        with self._lock:
            if self._probe is None:
                self._probe = self._open()
            token = self._probe.change_token()
            if token != self._token:
                self._token = token
                self._generation += 1
            return self._generation


_UNSEEN = object()


@dataclass(frozen=True)
class Body:
    """A cached response body, encoded once and gzipped once (``gzip_static``-style:
    a page served a thousand times is compressed once, not per request)."""

    plain: bytes
    gzipped: bytes

    @classmethod
    def of(cls, text: str | bytes) -> Body:
        plain = text.encode("utf-8") if isinstance(text, str) else text
        return cls(plain, gzip.compress(plain, compresslevel=6, mtime=0))


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header value takes gzip (not ``gzip;q=0``)."""
    for part in (accept_encoding or "").lower().split(","):
        name, _, params = part.partition(";")
        if name.strip() in {"gzip", "*"}:
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False
