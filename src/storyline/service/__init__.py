"""Use cases that the faces (CLI, HTTP API, web UI) call: one function per command.

Faces parse arguments and print; they never touch the store or the stages directly.
Import it as one module: ``from storyline import service; service.ingest(...)``.
"""

from __future__ import annotations

from storyline.service.common import Progress, open_store, parse_date_option, worker_count
from storyline.service.enriching import EnrichReport, enrich
from storyline.service.ingesting import IngestOptions, ingest
from storyline.service.reading import (
    get_article,
    get_enrichment,
    list_articles,
    list_entities,
    rejections,
    store_stats,
)
from storyline.store.base import ArticleFilter

__all__ = [
    "ArticleFilter",
    "EnrichReport",
    "IngestOptions",
    "Progress",
    "enrich",
    "get_article",
    "get_enrichment",
    "ingest",
    "list_articles",
    "list_entities",
    "open_store",
    "parse_date_option",
    "rejections",
    "store_stats",
    "worker_count",
]
