"""Issue 21: following feeds, pages and folders against a real local HTTP server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import InputError
from storyline.service import following
from storyline.service.common import now_iso
from storyline.settings import Settings
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article
from tests.service.issue_21_server import ARTICLES, NewsSite, serve, teaser

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "follow.db"
    monkeypatch.setenv("STORYLINE_DB", str(db))
    monkeypatch.setenv("STORYLINE_FETCH_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("STORYLINE_FOLLOW_HOST_INTERVAL", "0")
    monkeypatch.setenv("STORYLINE_INGEST_WORKERS", "1")
    monkeypatch.chdir(tmp_path)
    return db


def _settings(**values: object) -> Settings:
    base: dict[str, object] = {
        "fetch.allow_private": True,
        "follow.host_interval": 0,
        "ingest.workers": 1,
    }
    return Settings().with_overrides(base | values)


def _articles(db: Path) -> list[tuple[str | None, str, str]]:
    store = SQLiteStore(db)
    try:
        rows = store.list_articles(ArticleFilter(limit=None))
        return [(a.url, a.text, a.title or "") for a in rows]
    finally:
        store.close()


def test_follow_reads_pages_then_polls_conditionally_and_stores_only_new_items(
    env: Path,
) -> None:
    with serve() as site:
        added = runner.invoke(app, ["follow", "add", f"{site.base}/feed.xml", "--every", "15m"])
        assert added.exit_code == 0, added.output
        assert "every 15m" in added.output

        first = runner.invoke(app, ["follow", "run", "--once", "--json"])
        assert first.exit_code == 0, first.output
        assert json.loads(first.output.splitlines()[-1])["stored"] == 2
        stored = _articles(env)
        assert sorted(url or "" for url, _, _ in stored) == [
            f"{site.base}/articles/0.html",
            f"{site.base}/articles/1.html",
        ]
        for url, text, title in stored:
            number = int((url or "").rsplit("/", 1)[1].split(".")[0])
            page_title, _, _, full = ARTICLES[number]
            assert title == page_title
            # the page's text, not the feed's one-sentence teaser
            assert full.split("\n\n")[2][:60] in text
            assert len(text) > 3 * len(teaser(full))
        assert site.count("/articles/0.html") == site.count("/articles/1.html") == 1

        second = runner.invoke(app, ["follow", "run", "--once", "--json"])
        assert second.exit_code == 0, second.output
        poll = json.loads(second.output.splitlines()[-1])["polls"][0]
        assert poll["not_modified"] is True and poll["stored"] == 0
        conditional = site.requests[-1]
        assert conditional.path == "/feed.xml"
        assert conditional.if_none_match and conditional.if_modified_since
        assert len(_articles(env)) == 2

        site.feed_items.append(2)
        third = runner.invoke(app, ["follow", "run", "--once", "--json"])
        assert third.exit_code == 0, third.output
        assert json.loads(third.output.splitlines()[-1])["stored"] == 1
        assert len(_articles(env)) == 3
        assert site.count("/articles/2.html") == 1
        assert site.count("/articles/0.html") == site.count("/articles/1.html") == 1

        listed = runner.invoke(app, ["follow", "list"])
        assert "stored 3" in listed.output and "last success 20" in listed.output

        runner.invoke(app, ["follow", "add", f"{site.base}/broken.xml"])
        failing = runner.invoke(app, ["follow", "run", "--once"])
        assert failing.exit_code == 1  # a poll failed: recorded, and said by the exit code
        assert "HTTP status 500" in failing.output and "not modified" in failing.output
        listed = runner.invoke(app, ["follow", "list"])
        assert "last error" in listed.output and "(1 in a row)" in listed.output


def test_errors_are_recorded_backed_off_and_retried_while_others_are_polled() -> None:
    settings = _settings(**{"fetch.timeout": 0.5, "enrich.on_ingest": False})
    store = SQLiteStore(memory=True)
    with serve(NewsSite(slow_seconds=2.0)) as site:
        targets = ["broken.xml", "slow.xml", "malformed.xml", "feed.xml"]
        subs = [
            following.add_subscription(store, f"{site.base}/{t}", settings, every="10m")
            for t in targets
        ]
        report = following.poll(store, settings)
        by_target = {p.target.rsplit("/", 1)[1]: p for p in report.polls}
        assert by_target["feed.xml"].stored == 2 and by_target["feed.xml"].error is None
        assert "HTTP status 500" in (by_target["broken.xml"].error or "")
        assert "timed out" in (by_target["slow.xml"].error or "")
        assert "malformed" in (by_target["malformed.xml"].error or "")

        now = datetime.now(UTC)
        state = {s.target.rsplit("/", 1)[1]: s for s in store.list_subscriptions()}
        for name in ("broken.xml", "slow.xml", "malformed.xml"):
            failing = state[name]
            assert failing.errors == 1 and failing.last_error and failing.last_success is None
            wait = (datetime.fromisoformat(failing.next_poll) - now).total_seconds()
            assert 1150 < wait <= 1200  # backed off: twice the 10 minute interval
        assert state["feed.xml"].errors == 0 and state["feed.xml"].last_success
        assert [s.id for s in store.list_subscriptions(due=now_iso())] == []

        again = following.poll(store, settings)  # retried (an explicit poll of every one)
        assert site.count("/broken.xml") == 2 and site.count("/malformed.xml") == 2
        state = {s.target.rsplit("/", 1)[1]: s for s in store.list_subscriptions()}
        assert state["broken.xml"].errors == 2
        wait = (datetime.fromisoformat(state["broken.xml"].next_poll) - now).total_seconds()
        assert wait > 2300  # the back-off doubled
        assert [p.not_modified for p in again.polls if p.target.endswith("feed.xml")] == [True]
        assert subs[0].id == state["broken.xml"].id
    store.close()


def test_seen_items_are_not_fetched_again_even_when_the_feed_changes_validators() -> None:
    settings = _settings(**{"enrich.on_ingest": False})
    store = SQLiteStore(memory=True)
    with serve() as site:
        following.add_subscription(store, f"{site.base}/feed.xml", settings)
        following.add_subscription(store, f"{site.base}/other.xml", settings)  # same items
        report = following.poll(store, settings)
        assert [p.stored for p in report.polls] == [2, 0]
        assert [p.skipped for p in report.polls] == [0, 2]
        assert site.count("/articles/0.html") == 1
    assert store.count_articles() == 2
    store.close()


def test_a_folder_is_followed_file_by_file(tmp_path: Path) -> None:
    import random

    settings = _settings(**{"enrich.on_ingest": False})
    store = SQLiteStore(memory=True)
    folder = tmp_path / "drop"
    folder.mkdir()
    rng = random.Random(5)
    (folder / "a.txt").write_text("First report\n\n" + synthetic_article(rng), encoding="utf-8")
    following.add_subscription(store, str(folder), settings, source="Drop")
    assert following.poll(store, settings).stored == 1
    (folder / "b.txt").write_text("Second report\n\n" + synthetic_article(rng), encoding="utf-8")
    report = following.poll(store, settings)
    assert (report.polls[0].stored, report.polls[0].skipped) == (1, 1)
    assert {a.source for a in store.list_articles(ArticleFilter())} == {"Drop"}
    store.close()


def test_bad_targets_and_intervals_are_refused(tmp_path: Path) -> None:
    store = SQLiteStore(memory=True)
    settings = _settings()
    with pytest.raises(InputError, match="not an http"):
        following.add_subscription(store, str(tmp_path / "missing"), settings)
    with pytest.raises(InputError, match="only http and https"):
        following.add_subscription(store, "ftp://example.org/feed", settings)
    with pytest.raises(InputError, match="--every must be a duration"):
        following.add_subscription(store, "http://example.org/feed", settings, every="soon")
    assert following.parse_interval("2h") == 7200.0
    following.add_subscription(store, "http://example.org/feed", settings)
    with pytest.raises(InputError, match="already followed"):
        following.add_subscription(store, "http://example.org/feed", settings)
    store.close()


@pytest.mark.parametrize("kill", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_follow_run_killed_mid_poll_then_restarted_stores_every_item_once(
    tmp_path: Path, kill: signal.Signals
) -> None:
    """SIGTERM: the item in hand is finished, then the run stops (exit 0). SIGKILL (no
    chance to finish): what was not committed is rolled back by SQLite."""
    db = tmp_path / "killed.db"
    environ = os.environ | {
        "STORYLINE_DB": str(db),
        "STORYLINE_FETCH_ALLOW_PRIVATE": "true",
        "STORYLINE_FOLLOW_HOST_INTERVAL": "0",
        "STORYLINE_FOLLOW_BATCH_SIZE": "1",
        "STORYLINE_INGEST_WORKERS": "1",
        # SIGKILL is about what is committed: skip the (slow) enrichment there
        "STORYLINE_ENRICH_ON_INGEST": "true" if kill == signal.SIGTERM else "false",
    }
    command = [sys.executable, "-m", "storyline"]
    with serve(NewsSite(feed_items=[0, 1, 2], page_delay=1.0)) as site:
        subprocess.run(
            [*command, "follow", "add", f"{site.base}/feed.xml"], env=environ, check=True
        )
        process = subprocess.Popen(
            [*command, "follow", "run"],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while site.count("/articles/1.html") == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.count("/articles/1.html") == 1, "the poll never reached the second item"
        process.send_signal(kill)  # while the second page is being served
        _, stderr = process.communicate(timeout=60)
        if kill == signal.SIGTERM:
            assert process.returncode == 0, stderr.decode()
        else:
            assert process.returncode == -signal.SIGKILL
        stopped_with = len(_articles(db))
        assert stopped_with in (1, 2)  # the item in hand was finished or not started
        again = subprocess.run(
            [*command, "follow", "run", "--once", "--json"],
            env=environ,
            capture_output=True,
            check=True,
        )
        report = json.loads(again.stdout.decode().splitlines()[-1])
        assert report["stored"] == 3 - stopped_with
    urls = [url for url, _, _ in _articles(db)]
    assert sorted(urls) == sorted(f"{site.base}/articles/{n}.html" for n in range(3))


def test_pages_that_robots_txt_disallows_are_not_fetched_and_the_poll_stays_incomplete() -> None:
    settings = _settings(**{"enrich.on_ingest": False})
    store = SQLiteStore(memory=True)
    with serve(NewsSite(link_prefix="/private/")) as site:
        sub = following.add_subscription(store, f"{site.base}/feed.xml", settings)
        report = following.poll(store, settings).polls[0]
        assert report.stored == 0 and not report.complete
        assert all("robots.txt" in r.reason for r in report.rejected) and report.rejected
        assert site.count("/private/0.html") == 0 and site.count("/robots.txt") == 1
        # validators kept: the next poll reads the whole feed again, unconditionally
        assert store.get_subscription(sub.id).etag is None
        permissive = following.poll(store, settings.with_overrides({"follow.robots": False}))
        assert permissive.stored == 2 and site.count("/private/0.html") == 1
    store.close()


def test_a_followed_page_is_stored_once_until_it_changes() -> None:
    settings = _settings(**{"enrich.on_ingest": False})
    store = SQLiteStore(memory=True)
    with serve() as site:
        following.add_subscription(store, f"{site.base}/articles/0.html", settings)
        assert following.poll(store, settings).stored == 1
        again = following.poll(store, settings).polls[0]
        assert (again.stored, again.skipped, again.error) == (0, 1, None)
    [article] = store.list_articles(ArticleFilter())
    assert article.title == ARTICLES[0][0]
    store.close()


def test_the_host_limiter_spaces_requests_to_one_host() -> None:
    from storyline.ingest.fetch import HostLimiter

    waits: list[float] = []
    limiter = HostLimiter(2.0, sleep=waits.append)
    limiter.wait("http://a.example/1")
    limiter.wait("http://b.example/1")  # another host: no wait
    limiter.wait("http://a.example/2")
    assert len(waits) == 1 and 1.9 < waits[0] <= 2.0
