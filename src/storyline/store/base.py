"""The ``Store`` protocol: everything the rest of storyline may ask of a store.

SQLite (``storyline.store.sqlite``) and PostgreSQL (``storyline.store.postgres``)
implement it. Only modules under ``storyline.store`` hold SQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from storyline.models import Article, Enrichment, Entity, IngestReport, Rejection, Update
from storyline.store.clusters import ClusterProfile, ClusterRow, PlacementRow
from storyline.store.follow import PollResult, Subscription, Watch


@dataclass(frozen=True)
class ArticleFilter:
    """Filters for listing articles; ``None`` means no filter."""

    source: str | None = None
    since: str | None = None  # ISO date, inclusive, on ``published``
    until: str | None = None  # ISO date, inclusive
    query: str | None = None  # substring of the title or text (case-insensitive)
    duplicates: bool = True  # include syndicated copies
    limit: int | None = 50
    offset: int = 0


@dataclass(frozen=True)
class StoredSignature:
    """A near-duplicate fingerprint kept for an article."""

    article_id: str
    published: str | None
    signature: bytes


@dataclass(frozen=True)
class StoreStats:
    articles: int
    duplicates: int
    sources: int
    words: int
    first_published: str | None
    last_published: str | None
    rejections: int
    runs: int
    by_source: tuple[tuple[str, int], ...]
    by_format: tuple[tuple[str, int], ...]
    enriched: int = 0  # articles with an enrichment (failed ones included)
    placed: int = 0  # articles placed in an event
    pending: int = 0  # stored but not yet enriched or not yet placed


class Store(Protocol):
    """What a storyline store offers. One writer at a time; readers never block it."""

    def close(self) -> None: ...

    def exclusive(self, purpose: str) -> contextlib.AbstractContextManager[None]:
        """Hold the store's writer lock for one writing pass (``purpose``: ``ingest``,
        ``enrich``, ``cluster``...): one at a time, across processes; a writer that waits
        says for whom. Re-entrant within one store object; released if the holder dies."""
        ...

    def existing_ids(self, ids: Iterable[str]) -> set[str]: ...

    def find_by_hash(self, content_hash: str) -> Sequence[tuple[str, str | None]]:
        """Ids and dates of original (non-duplicate) articles with this text hash."""
        ...

    def find_by_hashes(self, hashes: Sequence[str]) -> dict[str, list[tuple[str, str | None]]]:
        """:meth:`find_by_hash` for many hashes in one query: hash -> ids and dates
        (hashes without a stored original are absent)."""
        ...

    def find_by_bands(self, keys: Sequence[bytes]) -> Sequence[StoredSignature]:
        """Original articles sharing at least one LSH band key, with their signatures."""
        ...

    def band_matches(self, keys: Sequence[bytes]) -> Sequence[tuple[bytes, StoredSignature]]:
        """(band key, original article sharing it) pairs for all of ``keys`` at once, in
        the articles' order of arrival (what ingest asks once per chunk of documents)."""
        ...

    def add_articles(
        self,
        items: Sequence[tuple[Article, bytes, Sequence[bytes]]],
        relinks: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        """Add articles with their MinHash signature and band keys, and apply relinks
        (old original, new original, kind: see ``relink_duplicates``), in one transaction."""
        ...

    def relink_duplicates(self, old_original: str, new_original: str, kind: str) -> None:
        """Make ``old_original`` and its copies duplicates of ``new_original``."""
        ...

    def fill_metadata(
        self, article_id: str, *, published: str | None = None, source: str | None = None
    ) -> None:
        """Record a publication date or an outlet learnt after the article was stored,
        each only where the article has none."""
        ...

    def get_article(self, article_id: str) -> Article: ...

    def get_articles(self, ids: Sequence[str]) -> Sequence[Article]:
        """The articles with these ids that exist, in the order given."""
        ...

    def list_articles(self, article_filter: ArticleFilter) -> Sequence[Article]: ...

    def unenriched_ids(self, limit: int) -> Sequence[str]:
        """Up to ``limit`` ids of articles not enriched yet, in arrival order."""
        ...

    def save_enrichments(self, items: Sequence[Enrichment], entities: Sequence[Entity]) -> None:
        """Store enrichment results and upsert canonical entities, in one transaction."""
        ...

    def get_enrichment(self, article_id: str) -> Enrichment | None: ...

    def get_enrichments(self, article_ids: Sequence[str]) -> dict[str, Enrichment]:
        """Article id -> enrichment for those of ``article_ids`` that have one, in one
        query (not one an article)."""
        ...

    def all_entities(self) -> Sequence[Entity]: ...

    def entity_counts(
        self, *, type: str | None = None, limit: int | None = None
    ) -> Sequence[tuple[Entity, int, int]]:
        """Entities with their mention and article counts, most widely reported first."""
        ...

    def count_articles(self) -> int: ...

    def count_matching(self, article_filter: ArticleFilter, cap: int) -> int:
        """How many articles ``list_articles`` gives for this filter without its limit and
        offset, counted up to ``cap`` (one query, no article built)."""
        ...

    def change_token(self) -> object:
        """A value that differs from this store object's previous one whenever anything
        was committed in between, by this or any other connection or process (what the
        web server keys its caches by). Cheap: no table is read."""
        ...

    def unclustered_ids(self, limit: int) -> Sequence[str]:
        """Enriched articles not placed yet, in publication order (ties and nulls by id)."""
        ...

    def load_cluster_state(self) -> tuple[str, bytes] | None: ...

    def save_clusters(
        self,
        placements: Sequence[PlacementRow],
        events: Sequence[ClusterRow],
        state: bytes,
        producer: str,
        log: Sequence[str] = (),
        dropped: Sequence[str] = (),
        redirects: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Placements, touched events, the clusterer state, the ``log`` lines (as
        :meth:`log_clusters` writes them), the removal of the ``dropped`` events (merged
        into others) and the story ``redirects`` (old id, the id it merged into), in one
        transaction. Every story an event joined or left is counted from its events (a
        new story gets its row; one left without events is removed) and takes the title
        of its largest event."""
        ...

    def get_cluster(self, kind: str, cluster_id: str) -> ClusterRow | None: ...

    def resolve_story(self, story_id: str) -> str | None:
        """The live story ``story_id`` names: itself, or the story it was merged into
        (following every later merge); ``None`` when it names no story."""
        ...

    def list_clusters(
        self, kind: str, *, story: str | None = None, limit: int | None = None
    ) -> Sequence[ClusterRow]: ...

    def cluster_members(self, *, story: str | None, event: str | None) -> Sequence[str]: ...

    def cluster_profiles(
        self, kind: str, cluster_ids: Sequence[str], top: int
    ) -> dict[str, ClusterProfile]:
        """Outlets and the ``top`` most widely mentioned entities of each of the events
        (``kind="event"``) or stories with these ids."""
        ...

    def get_placement(self, article_id: str) -> PlacementRow | None: ...

    def placements(self) -> dict[str, str]:
        """Article id -> event id for every placed article."""
        ...

    def reset_clusters(self) -> None: ...

    def log_clusters(self, lines: Sequence[str]) -> None: ...

    # following sources (issue 21): times are ISO 8601 UTC strings given by the caller

    def add_subscription(
        self, target: str, kind: str, source: str | None, every_seconds: float, now: str
    ) -> int:
        """A new subscription, due at once; ``InputError`` when ``target`` is followed."""
        ...

    def list_subscriptions(self, *, due: str | None = None) -> Sequence[Subscription]:
        """Every subscription (only those due by ``due``, if given), soonest first."""
        ...

    def get_subscription(self, subscription_id: int) -> Subscription: ...

    def remove_subscription(self, subscription_id: int) -> None: ...

    def record_poll(self, subscription_id: int, result: PollResult) -> None:
        """A poll's outcome: success (errors reset) or error (recorded, errors + 1)."""
        ...

    def seen_keys(self, keys: Sequence[str]) -> set[str]:
        """Which item keys (``url:``, ``guid:``, ``hash:``, ``file:``) were seen before."""
        ...

    def mark_seen(
        self, subscription_id: int, items: Sequence[tuple[str, str | None]], now: str
    ) -> None:
        """Record item keys with the article each became (``None``: rejected)."""
        ...

    def stored_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of ``urls`` an article in the store has."""
        ...

    def add_watch(self, kind: str, target: str, webhook: str | None, now: str) -> int: ...

    def list_watches(self) -> Sequence[Watch]: ...

    def remove_watch(self, watch_id: int) -> None: ...

    def add_updates(self, items: Sequence[Update], now: str) -> Sequence[Update]:
        """Record updates not recorded before (same watch and key); return those added."""
        ...

    def list_updates(
        self,
        *,
        since: str | None = None,
        story: str | None = None,
        watch: int | None = None,
        limit: int | None = None,
    ) -> Sequence[Update]:
        """Updates recorded after ``since``, oldest first."""
        ...

    def start_run(self, command: str) -> int: ...

    def finish_run(self, run_id: int, report: IngestReport) -> None: ...

    def add_rejections(self, run_id: int, rejections: Sequence[Rejection]) -> None: ...

    def rejections(self, run_id: int | None = None) -> Sequence[Rejection]: ...

    def stats(self) -> StoreStats: ...
