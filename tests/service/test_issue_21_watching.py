"""Issue 21: watches and updates, recorded as followed articles are placed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import InputError, NotFoundError
from storyline.service import watching
from storyline.settings import Settings
from storyline.store.base import ArticleFilter
from storyline.store.sqlite import SQLiteStore
from tests.service.issue_21_server import NewsSite, serve
from tests.web.conftest import Client

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "watch.db"
    monkeypatch.setenv("STORYLINE_DB", str(db))
    monkeypatch.setenv("STORYLINE_FETCH_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("STORYLINE_FOLLOW_HOST_INTERVAL", "0")
    monkeypatch.setenv("STORYLINE_INGEST_WORKERS", "1")
    monkeypatch.setenv("STORYLINE_ENRICH_WORKERS", "1")
    monkeypatch.chdir(tmp_path)
    return db


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_conflicting_figure_reported_later_in_a_watched_story_is_an_update_with_both_citations(
    env: Path,
) -> None:
    with serve(NewsSite(feed_items=[0, 1])) as site:
        _invoke("follow", "add", f"{site.base}/feed.xml")
        _invoke("follow", "run", "--once")
        store = SQLiteStore(env)
        first_url = f"{site.base}/articles/0.html"
        first = next(a for a in store.list_articles(ArticleFilter()) if a.url == first_url)
        story = store.get_placement(first.id)
        store.close()
        assert story is not None
        _invoke("watch", "add", "story", story.story_id, "--webhook", f"{site.base}/hook")
        _invoke("watch", "add", "query", "Paiporta")
        assert "story " + story.story_id in _invoke("watch", "list")
        assert json.loads(_invoke("updates", "--json")) == []  # nothing new yet

        site.feed_items.append(2)  # a later report: 310 killed, where the first said 120
        _invoke("follow", "run", "--once")
        found = json.loads(_invoke("updates", "--json"))
        posted = [json.loads(body) for body in site.posts]

    conflicts = [u for u in found if u["kind"] == "figure_conflict"]
    assert {u["watch_id"] for u in conflicts} == {1, 2}  # the story watch and the query
    update = next(u for u in conflicts if u["watch_id"] == 1)
    assert update["story_id"] == story.story_id
    later, earlier = update["citations"]
    store = SQLiteStore(env)
    try:
        new_article = store.get_article(later["article_id"])
        old_article = store.get_article(earlier["article_id"])
    finally:
        store.close()
    assert new_article.url == f"{site.base}/articles/2.html"
    assert old_article.id == first.id
    for citation, article in ((later, new_article), (earlier, old_article)):
        assert article.text[citation["start"] : citation["end"]] == citation["text"]
    assert "310 people" in later["text"] and "120 people" in earlier["text"]
    assert "conflict" in update["summary"]
    # the webhook of the story watch got each of its updates, as JSON
    assert sorted(p["key"] for p in posted) == sorted(u["key"] for u in found if u["watch_id"] == 1)

    text = _invoke("updates")
    assert "[figure_conflict]" in text and "310 people" in text and "120 people" in text
    assert json.loads(_invoke("updates", "--since", "2999-01-01", "--json")) == []
    feed = _invoke("export", story.story_id, "--format", "atom")
    assert "What is new" in feed and "310 people" in feed


def test_the_story_page_shows_what_is_new_since_the_last_visit(env: Path) -> None:
    from storyline.web import create_app
    from tests.web.conftest import web_settings

    with serve(NewsSite(feed_items=[0, 1])) as site:
        _invoke("follow", "add", f"{site.base}/feed.xml")
        _invoke("follow", "run", "--once")
        store = SQLiteStore(env)
        story_id = store.list_clusters("story")[0].id
        store.close()
        _invoke("watch", "add", "story", story_id)
        web = create_app(web_settings(env, **{"fetch.allow_private": True}))
        client = Client(web)
        try:
            first = client.get(f"/stories/{story_id}")
            assert first.status_code == 200
            assert "new-since" not in first.text  # nothing recorded, no earlier visit
            assert 'type="application/atom+xml" title=' in first.text  # feed autodiscovery
            cookie = first.cookies.get("seen_" + story_id)
            assert cookie
            site.feed_items.append(2)
            _invoke("follow", "run", "--once")
            later = client.get(
                f"/stories/{story_id}", headers={"Cookie": f"seen_{story_id}={cookie}"}
            )
            assert "New since your last visit" in later.text
            assert "figure conflict" in later.text and "310 people" in later.text
            future = client.get(f"/stories/{story_id}?since=2999-01-01")
            assert "Nothing new in this story" in future.text
            api = client.get("/api/updates", params={"story": story_id}).json()["items"]
            assert any(u["kind"] == "figure_conflict" for u in api)
            assert client.get("/api/updates", params={"since": "soon"}).status_code == 400
        finally:
            web.state.pool.close()


def test_watch_targets_are_checked() -> None:
    store = SQLiteStore(memory=True)
    settings = Settings()
    with pytest.raises(InputError, match="no story with id"):
        watching.add_watch(store, "story", "story-404", settings)
    with pytest.raises(InputError, match="one of story, entity, query"):
        watching.add_watch(store, "outlet", "Reuters", settings)
    with pytest.raises(InputError, match="http"):
        watching.add_watch(store, "entity", "Kerry", settings, webhook="file:///etc/passwd")
    watch = watching.add_watch(store, "entity", "John Kerry", settings)
    with pytest.raises(InputError, match="already watched"):
        watching.add_watch(store, "entity", "John Kerry", settings)
    watching.remove_watch(store, watch.id)
    with pytest.raises(NotFoundError):
        watching.remove_watch(store, watch.id)
    with pytest.raises(InputError, match="--since"):
        watching.list_updates(store, since="yesterday")
    store.close()
