"""Issue 21's subscriptions, seen items, watches and updates on both stores: the same
statements (store/follow.py) on SQLite and on a real PostgreSQL server (migration 5); the
``store`` fixture (both stores) is tests/store/conftest.py's."""

from __future__ import annotations

import pytest

from storyline.errors import InputError, NotFoundError
from storyline.models import Update, UpdateCitation
from storyline.store.base import Store
from storyline.store.follow import PollResult


def test_subscriptions_keep_their_polling_state(store: Store) -> None:
    first = store.add_subscription("http://a.test/feed", "feed", "A", 1800.0, "2026-12-06T10:00:00")
    second = store.add_subscription("/data/b", "folder", None, 60.0, "2026-12-06T10:00:01")
    with pytest.raises(InputError):
        store.add_subscription("http://a.test/feed", "feed", None, 60.0, "2026-12-06T10:00:02")
    assert [s.id for s in store.list_subscriptions()] == [first, second]
    store.record_poll(
        first,
        PollResult(
            at="2026-12-06T10:05:00", next_poll="2026-12-06T10:35:00", etag='"v1"', stored=3
        ),
    )
    store.record_poll(
        second,
        PollResult(at="2026-12-06T10:05:00", next_poll="2026-12-06T10:07:00", error="HTTP 500"),
    )
    ok, failed = store.get_subscription(first), store.get_subscription(second)
    assert (ok.etag, ok.stored, ok.errors, ok.last_success) == ('"v1"', 3, 0, "2026-12-06T10:05:00")
    assert (failed.errors, failed.last_error) == (1, "HTTP 500")
    assert [s.id for s in store.list_subscriptions(due="2026-12-06T10:10:00")] == [second]
    store.remove_subscription(second)
    with pytest.raises(NotFoundError):
        store.get_subscription(second)


def test_seen_items_watches_and_updates_are_recorded_once(store: Store) -> None:
    sub = store.add_subscription("http://a.test/feed", "feed", None, 60.0, "2026-12-06T10:00:00")
    store.mark_seen(sub, [("url:http://a.test/1", "a1"), ("guid:x", None)], "2026-12-06T10:01:00")
    store.mark_seen(sub, [("url:http://a.test/1", "a1")], "2026-12-06T10:02:00")  # again: no-op
    assert store.seen_keys(["url:http://a.test/1", "guid:x", "guid:y"]) == {
        "url:http://a.test/1",
        "guid:x",
    }
    watch = store.add_watch("story", "story-1", None, "2026-12-06T10:00:00")
    cite = UpdateCitation("a1", 0, 12, "Ten \x00 dead", "A", "2026-12-06")
    update = Update(watch, "story-1", "figure_conflict", "a1", "10 vs 12 dead", (cite,), "k1")
    added = store.add_updates([update, update], "2026-12-06T10:03:00")
    assert len(added) == 1 and added[0].id > 0
    assert store.add_updates([update], "2026-12-06T10:04:00") == []
    listed = store.list_updates(since="2026-12-06T10:00:00", story="story-1")
    assert [(u.kind, u.citations) for u in listed] == [("figure_conflict", (cite,))]
    assert store.list_updates(since="2026-12-06T10:03:00") == []
    assert [w.target for w in store.list_watches()] == ["story-1"]
    store.remove_watch(watch)
    assert store.list_updates() == [] and store.list_watches() == []
