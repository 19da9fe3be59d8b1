"""What ``storyline ingest`` and ``POST /api/ingest`` do: ingest, then (per settings)
enrich the new articles, place them into events and stories, and record what is new
in the watched stories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from storyline.models import IngestReport
from storyline.service.clustering import ClusterReport, cluster
from storyline.service.enriching import EnrichReport, enrich
from storyline.service.ingesting import IngestOptions, ingest
from storyline.service.watching import record_updates
from storyline.settings import Settings
from storyline.store.base import Store

# (stage, articles done, total: 0 when not known) -- "ingesting", "enriching", "clustering"
Status = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ProcessReport:
    ingested: IngestReport
    enriched: EnrichReport | None = None
    clustered: ClusterReport | None = None
    updates: int = 0  # recorded for watches (``storyline watch``)
    webhook_errors: tuple[str, ...] = ()  # webhook deliveries that failed (not retried)


def run_ingest(
    store: Store,
    paths: Sequence[str],
    settings: Settings,
    options: IngestOptions | None = None,
    *,
    enrich_new: bool = True,
    status: Status | None = None,
    stdin: BinaryIO | None = None,
) -> ProcessReport:
    """Ingest ``paths``; then enrich (``enrich.on_ingest``) and cluster (``cluster.on_ingest``)."""
    say = status or (lambda _stage, _done, _total: None)
    ingested = ingest(
        store,
        paths,
        settings,
        options,
        progress=lambda done, _rejected: say("ingesting", done, 0),
        stdin=stdin,
    )
    if not (enrich_new and settings["enrich.on_ingest"]):
        return ProcessReport(ingested)
    enriched = enrich(store, settings, progress=lambda done, total: say("enriching", done, total))
    if not settings["cluster.on_ingest"]:
        return ProcessReport(ingested, enriched)
    clustered = cluster(
        store, settings, progress=lambda done, total: say("clustering", done, total)
    )
    recorded = record_updates(store, settings, ingested.article_ids)
    return ProcessReport(
        ingested, enriched, clustered, len(recorded.added), tuple(recorded.webhook_errors)
    )
