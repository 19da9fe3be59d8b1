"""HTML routes: story list, story, article, entity and search pages (Jinja2, autoescaped).

Story pages are costly to compute (timeline, comparison and summary over every article
of the story), so their view is cached per story and rebuilt whenever the story's row
(article count, event count, last day) changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline import service
from storyline.display import id_key
from storyline.errors import StorylineError
from storyline.models import Article, UpdateCitation
from storyline.narrate.export_sources import safe_url
from storyline.narrate.timeline import CitedSentence
from storyline.service.common import now_iso
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow
from storyline.web import render
from storyline.web.cache import Body, StoryCache, signature
from storyline.web.deps import body_response, cached, store_dependency, story_row
from storyline.web.search import count_articles, entity_page, search_articles, snippet
from storyline.web.story_view import Listed, story_view

router = APIRouter(include_in_schema=False)
_PAGE_SIZE = 50
_COUNT_CAP = 5000  # matches counted at most (a total past it shows as "5,000+")
StoreDep = Annotated[Store, Depends(store_dependency)]
T = TypeVar("T")


def article_url(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="/")


def mark_url(citation: UpdateCitation) -> str:
    """Link to the cited span of an update."""
    span = f"{citation.start}-{citation.end}"
    return f"{article_url(citation.article_id)}?mark={span}#c{span}"


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
        mark_url=mark_url,
        safe_url=safe_url,
        title_of=Article.headline,
    )
    return Jinja2Templates(env=env)


def _page(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    engine: Jinja2Templates = request.app.state.templates
    return engine.TemplateResponse(request, name, context)


async def _cached_page(
    request: Request, key: tuple[Any, ...], name: str, context: Callable[[Store], Any]
) -> Response:
    """The page rendered once per store generation (and ``key``): a page read many times
    between writes costs a version check and a dictionary lookup, on the event loop."""
    engine: Jinja2Templates = request.app.state.templates
    page = await cached(
        request,
        ("page", name, *key),
        lambda store: Body.of(engine.get_template(name).render(context(store))),
    )
    return body_response(request, page, _HTML)


_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class _StoryPage:
    """A story page around its "new since your last visit" block: the parts before and
    after it, and the whole page with the block empty (what most visits get)."""

    head: bytes
    tail: bytes
    whole: Body

    @classmethod
    def of(cls, page: str) -> _StoryPage:
        head, _, tail = page.partition(_NEW_SINCE_MARK)
        plain = (head + tail).encode("utf-8")
        return cls(head.encode("utf-8"), tail.encode("utf-8"), Body.of(plain))


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


_STORY_ORDERS = {
    # last day first (then the larger, then the lower id)
    "recent": lambda r: (not r.end, _negated(r.end or ""), -r.articles, id_key(r.id)),
    "size": lambda r: (-r.articles, -r.events, id_key(r.id)),
}


def _negated(day: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in day)


@router.get("/", response_class=HTMLResponse)
async def story_list(request: Request, sort: str = "recent") -> Response:
    cache: StoryCache = request.app.state.story_cache
    order = sort if sort in _STORY_ORDERS else "recent"

    def context(store: Store) -> dict[str, Any]:
        rows = sorted(service.list_stories(store, limit=None), key=_STORY_ORDERS[order])[:100]
        items = [_cached_row(cache, store, r) for r in rows]
        return {"items": items, "stats": service.store_stats(store), "sort": order}

    return await _cached_page(request, (order,), "stories.html", context)


def _pages(n: int) -> int:
    """How many pages of ``_PAGE_SIZE`` a list of ``n`` items takes (at least one)."""
    return max(1, -(-n // _PAGE_SIZE))


@dataclass(frozen=True)
class Listing:
    """One page of a story's article list (oldest first): ``page`` of ``pages``."""

    items: Sequence[Listed]
    page: int
    pages: int
    first: int  # 1-based position of the first item in the whole list
    total: int

    @classmethod
    def of(cls, articles: Sequence[Listed], page: int | None) -> Listing:
        """Page ``page`` (the last, the latest articles, when None or past the end)."""
        pages = _pages(len(articles))
        chosen = pages if page is None else min(page, pages)
        start = (chosen - 1) * _PAGE_SIZE
        return cls(articles[start : start + _PAGE_SIZE], chosen, pages, start + 1, len(articles))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(
    request: Request,
    story_id: str,
    since: str | None = None,
    page: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Response:
    row = await story_row(request, story_id)
    if row.id != story_id:  # merged into another story: its old links lead there
        return RedirectResponse(f"/stories/{quote(row.id, safe='')}", status_code=301)
    engine: Jinja2Templates = request.app.state.templates
    cache: StoryCache = request.app.state.story_cache

    # one cached page per page of the list that exists (a page past the end is the last)
    asked = None if page is None else min(page, _pages(row.articles))

    def build(store: Store) -> _StoryPage:
        # the view (narrated once per story version) is shared by all its article pages
        view = cache.get(("story-view", *signature(row)), lambda: story_view(store, row))
        listing = Listing.of(view.articles, asked)
        html = engine.get_template("story.html").render(v=view, listing=listing)
        return _StoryPage.of(html)

    built = await cached(request, ("story", *signature(row), asked), build, versioned=False)
    cookie = "seen_" + re.sub(r"[^A-Za-z0-9_-]", "_", row.id)
    seen = since or request.cookies.get(cookie)
    new_since = await cached(
        request, ("new-since", row.id, seen), lambda store: _new_since(engine, store, row.id, seen)
    )
    if new_since:
        body = built.head + new_since.encode("utf-8") + built.tail
        response: Response = Response(body, media_type=_HTML)
    else:
        response = body_response(request, built.whole, _HTML)
    response.set_cookie(cookie, now_iso(), max_age=400 * 86400, httponly=True, samesite="lax")
    return response


_NEW_SINCE_MARK = "<!--storyline:new-since-->"


def _new_since(engine: Jinja2Templates, store: Store, story_id: str, since: str | None) -> str:
    """The "new since your last visit" block: updates recorded after ``since`` (the
    ``since`` query parameter, else the time of the last visit, kept in a cookie)."""
    try:
        found = service.list_updates(store, since=since, story=story_id, limit=100)
    except StorylineError:
        since, found = None, service.list_updates(store, story=story_id, limit=100)
    if not found and since is None:
        return ""
    return engine.get_template("new_since.html").render(updates=found, since=since)


@router.get("/stories/{story_id}/feed.atom")
def story_feed(request: Request, store: StoreDep, story_id: str) -> Response:
    """The story's Atom feed (one entry per event), linking back to this server."""
    resolved = store.resolve_story(story_id)
    if resolved is not None and resolved != story_id:
        return RedirectResponse(f"/stories/{quote(resolved, safe='')}/feed.atom", status_code=301)
    body = service.story_feed(store, story_id, base_url=str(request.base_url))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
async def article(request: Request, article_id: str, mark: str | None = None) -> Response:
    def context(store: Store) -> dict[str, Any]:
        item = service.get_article(store, article_id)
        enrichment = service.get_enrichment(store, article_id)
        span = render.parse_mark(mark, len(item.text))
        try:
            placement = service.why(store, article_id)
        except StorylineError:
            placement = None
        return {
            "a": item,
            "e": enrichment,
            "body": render.highlight(item.text, render.spans_of(enrichment), span),
            "url": safe_url(item.url),
            "placement": placement,
        }

    return await _cached_page(request, (article_id, mark), "article.html", context)


@router.get("/entities/{key:path}", response_class=HTMLResponse)
def entity(request: Request, store: StoreDep, key: str) -> HTMLResponse:
    return _page(request, "entity.html", {"p": entity_page(store, key)})


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request,
    q: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    asked = any((q, entity, source, since, until))
    form = {"q": q, "entity": entity, "source": source, "since": since, "until": until}
    if not asked:
        return _page(request, "search.html", {"items": [], "form": form, "asked": False})
    key = (q, entity, source, since, until, offset)
    return await _cached_page(
        request, key, "search.html", lambda store: _search(store, form, offset)
    )


def _search(store: Store, form: dict[str, str | None], offset: int) -> dict[str, Any]:
    q = form["q"]
    args = (
        store,
        q or None,
        form["entity"] or None,
        form["source"] or None,
        service.parse_date_option(form["since"] or None, "since"),
        service.parse_date_option(form["until"] or None, "until"),
    )
    found = search_articles(*args, _PAGE_SIZE, offset)
    total = count_articles(*args, cap=_COUNT_CAP)
    items = [(a, snippet(a, q or "")) for a in found]
    query = {k: v for k, v in form.items() if v}
    pages = {
        "previous": urlencode({**query, "offset": max(0, offset - _PAGE_SIZE)})
        if offset > 0
        else None,
        "next": urlencode({**query, "offset": offset + _PAGE_SIZE})
        if offset + _PAGE_SIZE < total
        else None,
    }
    return {
        "items": items,
        "form": form,
        "asked": True,
        "total": total,
        "capped": total >= _COUNT_CAP,
        "first": offset + 1,
        "last": offset + len(found),
        "pages": pages,
    }
