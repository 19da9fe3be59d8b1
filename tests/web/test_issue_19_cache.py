"""Issue 19: one builder per cached story view; waiters share its result (no stampede)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from storyline.web.cache import StoryCache


def test_concurrent_misses_build_once() -> None:
    cache = StoryCache()
    calls: list[int] = []
    lock = threading.Lock()

    def build() -> str:
        with lock:
            calls.append(1)
        time.sleep(0.3)
        return "page"

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(lambda _: cache.get(("story", "s1", 3), build), range(40)))
    assert results == ["page"] * 40
    assert len(calls) == 1 and cache.builds == 1
    assert cache.get(("story", "s1", 3), build) == "page" and len(calls) == 1
    assert cache.get(("story", "s1", 4), build) == "page" and len(calls) == 2  # changed row


def test_a_failed_build_is_not_cached() -> None:
    cache = StoryCache()
    attempts: list[int] = []

    def build() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            time.sleep(0.2)
            raise RuntimeError("store went away")
        return "page"

    with ThreadPoolExecutor(max_workers=5) as pool:
        futures = [pool.submit(cache.get, ("k",), build) for _ in range(5)]
        outcomes = []
        for future in futures:
            try:
                outcomes.append(future.result())
            except RuntimeError:
                outcomes.append("error")
    assert outcomes.count("error") == 1 and outcomes.count("page") == 4
    with pytest.raises(KeyError):
        cache.get(("other",), lambda: {}["missing"])
    assert cache.get(("k",), build) == "page"
