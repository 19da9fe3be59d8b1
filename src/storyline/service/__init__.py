"""Use cases that the faces (CLI, HTTP API, web UI) call: one function per command.

Faces parse arguments and print; they never touch the store or the stages directly.
Import it as one module: ``from storyline import service; service.ingest(...)``.
"""

from __future__ import annotations

from storyline.ingest.readers import missing_paths
from storyline.service.clustering import (
    ClusterReport,
    Similarity,
    cluster,
    cluster_article_ids,
    cluster_details,
    cluster_profiles,
    get_cluster,
    list_events,
    list_stories,
    recluster,
    similar,
    why,
)
from storyline.service.common import (
    Progress,
    is_postgres_url,
    open_store,
    parse_date_option,
    store_exists,
    worker_count,
)
from storyline.service.enriching import EnrichReport, enrich
from storyline.service.following import (
    FollowReport,
    PollReport,
    add_subscription,
    list_subscriptions,
    poll,
    remove_subscription,
)
from storyline.service.ingesting import IngestOptions, ingest
from storyline.service.narrating import (
    Selection,
    Telling,
    compare,
    export,
    story_feed,
    summary,
    tell,
    timeline,
)
from storyline.service.processing import ProcessReport, run_ingest
from storyline.service.reading import (
    get_article,
    get_enrichment,
    get_enrichments,
    list_articles,
    list_entities,
    rejections,
    store_stats,
)
from storyline.service.watching import (
    UpdatesReport,
    add_watch,
    list_updates,
    list_watches,
    record_updates,
    remove_watch,
)
from storyline.store.base import ArticleFilter

__all__ = [
    "ArticleFilter",
    "ClusterReport",
    "EnrichReport",
    "FollowReport",
    "IngestOptions",
    "PollReport",
    "ProcessReport",
    "Progress",
    "Selection",
    "Similarity",
    "Telling",
    "UpdatesReport",
    "add_subscription",
    "add_watch",
    "cluster",
    "cluster_article_ids",
    "cluster_details",
    "cluster_profiles",
    "compare",
    "enrich",
    "export",
    "get_article",
    "get_cluster",
    "get_enrichment",
    "get_enrichments",
    "ingest",
    "is_postgres_url",
    "list_articles",
    "list_entities",
    "list_events",
    "list_stories",
    "list_subscriptions",
    "list_updates",
    "list_watches",
    "missing_paths",
    "open_store",
    "parse_date_option",
    "poll",
    "recluster",
    "record_updates",
    "rejections",
    "remove_subscription",
    "remove_watch",
    "run_ingest",
    "similar",
    "store_exists",
    "store_stats",
    "story_feed",
    "summary",
    "tell",
    "timeline",
    "why",
    "worker_count",
]
