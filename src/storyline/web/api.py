"""JSON routes under ``/api``: each a few lines calling one ``storyline.service`` function."""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Header,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from storyline import jsonview, service
from storyline.service.narrating import Selection
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow
from storyline.web.cache import Body, StoryCache, signature
from storyline.web.deps import (
    body_response,
    cached,
    error_body,
    setting_or,
    store_dependency,
    story_row,
)
from storyline.web.search import search_articles

router = APIRouter(prefix="/api", tags=["api"])
StoreDep = Annotated[Store, Depends(store_dependency)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=2**62)]  # SQLite integers are 64-bit
_CHUNK = 1 << 16


def _date(value: str | None, name: str) -> str | None:
    return service.parse_date_option(value, name)


def clusters_json(
    store: Store, kind: str, rows: Sequence[ClusterRow], *, with_ids: bool = False
) -> list[dict[str, Any]]:
    """Event or story rows with their outlets and top entities (and article ids)."""
    return [
        jsonview.cluster(d) for d in service.cluster_details(store, kind, rows, with_ids=with_ids)
    ]


@router.get("")
def index(request: Request) -> dict[str, Any]:
    """What the API offers: its routes and where the OpenAPI schema is."""
    from storyline import __version__

    paths = request.app.openapi().get("paths", {})
    routes = sorted(
        f"{method.upper()} {path}" for path, methods in paths.items() for method in methods
    )
    return {
        "name": "storyline",
        "version": __version__,
        "openapi": "/api/openapi.json",
        "routes": routes,
    }


@router.get("/articles")
def articles(
    store: StoreDep,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    q: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Articles oldest first (ties by id), filtered and paginated."""
    found = service.list_articles(
        store,
        service.ArticleFilter(
            source=source,
            since=_date(since, "since"),
            until=_date(until, "until"),
            query=q,
            limit=limit,
            offset=offset,
        ),
    )
    items = [jsonview.article_summary(a) for a in found]
    return {"items": items, "limit": limit, "offset": offset, "count": len(items)}


@router.get("/articles/{article_id:path}")
def article(store: StoreDep, article_id: str) -> dict[str, Any]:
    """One article with its cleaned and raw text, edit log and extractions."""
    data = jsonview.article_detail(service.get_article(store, article_id))
    enrichment = service.get_enrichment(store, article_id)
    data["extractions"] = jsonview.enrichment(enrichment) if enrichment else None
    return data


@router.get("/stories")
def stories(store: StoreDep, limit: Limit = 50) -> dict[str, Any]:
    return {"items": clusters_json(store, "story", service.list_stories(store, limit=limit))}


@router.get(
    "/stories/{story_id}",
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def story(request: Request, story_id: str, limit: Limit = 50, offset: Offset = 0) -> Response:
    """A story with one page of its article ids (in the order they joined it) and of its
    events (the last added to first): ``limit`` of each from ``offset``, and the totals
    of both. Built once per story version (one build at a time); each page is served as
    the JSON text built then."""
    row = await story_row(request, story_id)
    cache: StoryCache = request.app.state.story_cache

    def build(store: Store) -> Body:
        whole = cache.get(("api-story-data", *signature(row)), lambda: _story_data(store, row))
        data = {
            **whole,
            **_page(whole["article_ids"], "article_ids", "articles_total", limit, offset),
            **_page(whole["events"], "events", "events_total", limit, offset),
        }
        if row.id != story_id:  # merged into another story: its old id still answers
            data["redirected_from"] = story_id
        return Body.of(json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")))

    key = ("api-story", story_id, *signature(row), limit, offset)
    body = await cached(request, key, build, versioned=False)
    return body_response(request, body, "application/json")


def _page(items: list[Any], name: str, total: str, limit: int, offset: int) -> dict[str, Any]:
    """One page of ``items`` under ``name``, their count under ``total``, and the page's
    ``limit`` and ``offset``."""
    return {
        name: items[offset : offset + limit],
        total: len(items),
        "limit": limit,
        "offset": offset,
    }


def _story_data(store: Store, row: ClusterRow) -> dict[str, Any]:
    """The story with all its article ids and all its events (each with its ids)."""
    (data,) = clusters_json(store, "story", [row], with_ids=True)
    events = service.list_events(store, story=row.id, limit=None)
    data["events"] = clusters_json(store, "event", events, with_ids=True)
    return data


@router.get("/stories/{story_id}/timeline")
def story_timeline(store: StoreDep, story_id: str) -> dict[str, Any]:
    return asdict(service.timeline(store, Selection(story=story_id)))


@router.get("/stories/{story_id}/compare")
def story_compare(store: StoreDep, story_id: str) -> dict[str, Any]:
    return asdict(service.compare(store, Selection(story=story_id)))


@router.get("/stories/{story_id}/summary")
def story_summary(store: StoreDep, story_id: str) -> dict[str, Any]:
    result = service.summary(store, Selection(story=story_id))
    return {**asdict(result), "text": result.text}


@router.get("/updates")
def updates(
    store: StoreDep, since: str | None = None, story: str | None = None, limit: Limit = 100
) -> dict[str, Any]:
    """What is new in the watched stories (``storyline updates``), each update cited."""
    found = service.list_updates(store, since=since, story=story, limit=limit)
    return {"items": [asdict(u) for u in found]}


@router.get("/events/{event_id}")
def event(store: StoreDep, event_id: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """An event with one page of its article ids: ``limit`` from ``offset``, and their
    total."""
    (data,) = clusters_json(
        store, "event", [service.get_cluster(store, "event", event_id)], with_ids=True
    )
    return {**data, **_page(data["article_ids"], "article_ids", "articles_total", limit, offset)}


@router.get("/entities")
def entities(store: StoreDep, type: str | None = None, limit: Limit = 50) -> dict[str, Any]:
    rows = service.list_entities(store, type=type, limit=limit)
    return {"items": [jsonview.entity_count(e, m, a) for e, m, a in rows]}


@router.get("/search")
def search(
    store: StoreDep,
    q: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Articles whose title or text has ``q`` and that mention ``entity`` (key or name)."""
    found = search_articles(
        store, q, entity, source, _date(since, "since"), _date(until, "until"), limit, offset
    )
    return {"items": [jsonview.article_summary(a) for a in found], "limit": limit}


def _authorised(request: Request, authorization: str | None) -> JSONResponse | None:
    token = str(setting_or(request.app.state.settings, "web.token", ""))
    if not token:
        message = "uploads are disabled: set the web.token setting to enable them"
        return JSONResponse(error_body("Forbidden", message), status_code=403)
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), token):
        message = "missing or wrong token: send 'Authorization: Bearer <web.token>'"
        return JSONResponse(error_body("Unauthorized", message), status_code=401)
    return None


async def _save(upload: UploadFile, folder: Path, index: int, budget: int) -> int:
    name = Path(upload.filename or "").name.replace("\x00", "") or f"upload-{index}"
    target = folder / f"{index:04d}-{name}"
    written = 0
    with target.open("wb") as handle:
        while chunk := await upload.read(_CHUNK):
            written += len(chunk)
            if written > budget:
                raise HTTPException(
                    413,
                    f"upload {upload.filename!r} goes past the size limit of the request "
                    "(web.max_upload_bytes); send smaller files or raise the setting",
                )
            handle.write(chunk)
    return written


@router.post("/ingest")
async def ingest(
    request: Request,
    files: Annotated[list[UploadFile], File(description="Article files (any ingest format).")],
    published: Annotated[str | None, Form()] = None,
    source: Annotated[str | None, Form()] = None,
    format: Annotated[str | None, Form()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Any:
    """Ingest uploaded files (needs ``Authorization: Bearer <web.token>``)."""
    refused = _authorised(request, authorization)
    if refused is not None:
        return refused
    settings = request.app.state.settings
    budget = int(setting_or(settings, "web.max_upload_bytes", 20_000_000))
    options = service.IngestOptions(
        format=format, published=_date(published, "published"), source=source
    )
    with tempfile.TemporaryDirectory(prefix="storyline-upload-") as folder:
        for index, upload in enumerate(files):
            budget -= await _save(upload, Path(folder), index, budget)
        pool = request.app.state.pool
        store = pool.acquire()
        try:
            processed = await run_in_threadpool(
                service.run_ingest, store, [folder], settings, options
            )
        finally:
            pool.release(store)
    data = jsonview.ingest_report(processed.ingested)
    data["enriched"] = processed.enriched.articles if processed.enriched else 0
    data["clustered"] = processed.clustered.articles if processed.clustered else 0
    return data
