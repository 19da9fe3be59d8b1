"""JSON shapes of models, shared by the CLI's ``--json`` output and the HTTP API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from storyline.models import Article, Enrichment, Entity, IngestReport, Rejection
from storyline.store.base import StoreStats
from storyline.store.clusters import ClusterDetail, ClusterProfile


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published,
        "source": article.source,
        "url": article.url,
        "words": article.words,
        "language": article.language,
        "duplicate_of": article.duplicate_of,
    }


def article_detail(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "raw": article.raw,
        "published": article.published,
        "updated": article.updated,
        "source": article.source,
        "url": article.url,
        "authors": list(article.authors),
        "contributors": list(article.contributors),
        "credits": list(article.credits),
        "captions": list(article.captions),
        "dateline": article.dateline,
        "description": article.description,
        "language": article.language,
        "words": article.words,
        "origin": article.origin,
        "format": article.format,
        "content_hash": article.content_hash,
        "duplicate_of": article.duplicate_of,
        "duplicate_kind": article.duplicate_kind,
        "labels": dict(article.labels),
        "edits": [asdict(edit) for edit in article.edits],
    }


def rejection(item: Rejection) -> dict[str, str]:
    return {"origin": item.origin, "reason": item.reason}


def ingest_report(report: IngestReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "unchanged": report.unchanged,
        "duplicates": report.duplicates,
        "dated": report.dated,
        "sourced": report.sourced,
        "rejected": [rejection(r) for r in report.rejected],
        "skipped": dict(report.skipped),
        "warnings": list(report.warnings),
        "seconds": round(report.seconds, 3),
    }


def store_stats(stats: StoreStats) -> dict[str, Any]:
    data = asdict(stats)
    data["by_source"] = dict(stats.by_source)
    data["by_format"] = dict(stats.by_format)
    return data


def enrichment(item: Enrichment) -> dict[str, Any]:
    return {
        "entities": [asdict(e) for e in item.entities],
        "mentions": [asdict(m) for m in item.mentions],
        "times": [asdict(t) for t in item.times],
        "quotes": [asdict(q) for q in item.quotes],
        "figures": [asdict(f) for f in item.figures],
        "places": [asdict(p) for p in item.places],
        "enriched_by": item.producer,
    }


def entity_count(entity: Entity, mentions: int, articles: int) -> dict[str, Any]:
    return {**asdict(entity), "mentions": mentions, "articles": articles}


def cluster(detail: ClusterDetail) -> dict[str, Any]:
    """An event (with its ``story_id``) or a story (with its ``event_count``): span,
    article count, outlets, top entities, and the ids of its articles when given."""
    row, profile, article_ids = detail.row, detail.profile, detail.article_ids
    data: dict[str, Any] = {
        "id": row.id,
        "title": row.title,
        "start": row.start,
        "end": row.end,
        "article_count": row.articles,
    }
    if detail.kind == "event":
        data["story_id"] = row.story_id
    else:
        data["event_count"] = row.events
    data.update(cluster_profile(profile))
    if article_ids is not None:
        data["article_ids"] = list(article_ids)
    return data


def cluster_profile(profile: ClusterProfile) -> dict[str, Any]:
    """The outlets and top entities of an event or a story."""
    return {
        "outlets": [{"source": source, "articles": n} for source, n in profile.outlets],
        "top_entities": [
            {"key": key, "name": name, "articles": n} for key, name, n in profile.entities
        ],
    }
