"""HTML routes: story list, story, article, entity and search pages (Jinja2, autoescaped).

Story pages are costly to compute (timeline, comparison and summary over every article
of the story), so their view is cached per story and rebuilt whenever the story's row
(article count, event count, last day) changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline import service
from storyline.errors import StorylineError
from storyline.models import Article
from storyline.narrate.export_sources import safe_url
from storyline.narrate.timeline import CitedSentence
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow
from storyline.web import render
from storyline.web.cache import StoryCache, signature
from storyline.web.deps import store_dependency
from storyline.web.search import entity_page, search_articles
from storyline.web.story_view import story_view

router = APIRouter(include_in_schema=False)
StoreDep = Annotated[Store, Depends(store_dependency)]
T = TypeVar("T")


def article_url(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="/")


def cite_url(sentence: CitedSentence) -> str:
    """Link to the cited span of an article; the page marks it and scrolls to it."""
    span = f"{sentence.start}-{sentence.end}"
    return f"{article_url(sentence.article_id)}?mark={span}#c{span}"


def entity_url(key: str) -> str:
    return "/entities/" + quote(key, safe="")


def templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals.update(
        article_url=article_url,
        cite_url=cite_url,
        entity_url=entity_url,
        safe_url=safe_url,
        title_of=Article.headline,
    )
    return Jinja2Templates(env=env)


def _page(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    engine: Jinja2Templates = request.app.state.templates
    return engine.TemplateResponse(request, name, context)


def _story_row(store: Store, row: ClusterRow) -> dict[str, Any]:
    events = service.list_events(store, story=row.id, limit=None)
    profile = service.cluster_profiles(store, "story", [row], top=3)[row.id]
    return {
        "row": row,
        "spark": render.sparkline_svg(events),
        "outlets": len(profile.outlets),
        "entities": profile.entities,
    }


def _cached_row(cache: StoryCache, store: Store, row: ClusterRow) -> dict[str, Any]:
    return cache.get(("list", *signature(row)), lambda: _story_row(store, row))


@router.get("/", response_class=HTMLResponse)
def story_list(request: Request, store: StoreDep) -> HTMLResponse:
    cache: StoryCache = request.app.state.story_cache
    rows = sorted(
        service.list_stories(store, limit=None),
        key=lambda r: (r.end or "", r.articles, r.id),
        reverse=True,
    )[:100]
    items = [_cached_row(cache, store, r) for r in rows]
    return _page(request, "stories.html", {"items": items, "stats": service.store_stats(store)})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, store: StoreDep, story_id: str) -> Response:
    row = service.get_cluster(store, "story", story_id)
    if row.id != story_id:  # merged into another story: its old links lead there
        return RedirectResponse(f"/stories/{quote(row.id, safe='')}", status_code=301)
    cache: StoryCache = request.app.state.story_cache
    engine: Jinja2Templates = request.app.state.templates

    def build() -> str:
        return engine.get_template("story.html").render(v=story_view(store, row))

    return HTMLResponse(cache.get(("story", *signature(row)), build))


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(
    request: Request, store: StoreDep, article_id: str, mark: str | None = None
) -> HTMLResponse:
    item = service.get_article(store, article_id)
    enrichment = service.get_enrichment(store, article_id)
    span = render.parse_mark(mark, len(item.text))
    try:
        placement = service.why(store, article_id)
    except StorylineError:
        placement = None
    context = {
        "a": item,
        "e": enrichment,
        "body": render.highlight(item.text, render.spans_of(enrichment), span),
        "url": safe_url(item.url),
        "placement": placement,
    }
    return _page(request, "article.html", context)


@router.get("/entities/{key:path}", response_class=HTMLResponse)
def entity(request: Request, store: StoreDep, key: str) -> HTMLResponse:
    return _page(request, "entity.html", {"p": entity_page(store, key)})


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    store: StoreDep,
    q: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    asked = any((q, entity, source, since, until))
    found = (
        search_articles(
            store,
            q or None,
            entity or None,
            source or None,
            service.parse_date_option(since or None, "since"),
            service.parse_date_option(until or None, "until"),
            50,
            offset,
        )
        if asked
        else []
    )
    form = {"q": q, "entity": entity, "source": source, "since": since, "until": until}
    return _page(request, "search.html", {"items": found, "form": form, "asked": asked})
