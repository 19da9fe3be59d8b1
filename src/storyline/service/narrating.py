"""Telling a set of articles: timeline, cross-outlet comparison, summary, report.

Every use case takes a ``Selection`` (explicit ids, a story, an event or a query over
the store), loads the articles and their enrichments once, and tells them with
:func:`tell`, which says why when there is nothing to tell and calls the pure functions
of ``storyline.narrate``. The story page tells its story with :func:`tell` too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.errors import InputError, NotFoundError
from storyline.models import Article, Enrichment, Update
from storyline.narrate.compare import CompareOptions, Comparison, compare_sources
from storyline.narrate.export import export_report
from storyline.narrate.export_atom import AtomEvent, render_atom
from storyline.narrate.summarize import Summary, SummaryOptions, summarize
from storyline.narrate.timeline import Timeline, TimelineOptions, build_timeline
from storyline.store.base import ArticleFilter, Store


@dataclass(frozen=True)
class Selection:
    """Which articles to tell: explicit ids, a story, an event, or a filter of the store."""

    article_ids: tuple[str, ...] = ()
    story: str | None = None
    event: str | None = None
    query: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None

    def is_everything(self) -> bool:
        """Whether nothing narrows the selection: it is the whole store."""
        return not (
            self.article_ids
            or self.story
            or self.event
            or self.query
            or self.source
            or self.since
            or self.until
        )

    def describe(self) -> str:
        if self.story:
            return f"story {self.story}"
        if self.event:
            return f"event {self.event}"
        if self.article_ids:
            return f"{len(self.article_ids)} articles"
        parts = [f"matching {self.query!r}" if self.query else "all articles"]
        if self.source:
            parts.append(f"from {self.source}")
        if self.since or self.until:
            parts.append(f"published {self.since or '…'} to {self.until or '…'}")
        return " ".join(parts)


def select_articles(store: Store, selection: Selection) -> list[Article]:
    """The selected articles, oldest first (none when the selection is empty: :func:`tell`
    says so); an unknown story, event or article id is a NotFoundError."""
    if selection.story or selection.event:
        from storyline.service.clustering import cluster_article_ids

        ids = cluster_article_ids(store, story=selection.story, event=selection.event)
        articles = list(store.get_articles(ids))
    elif selection.article_ids:
        articles = list(store.get_articles(selection.article_ids))
        missing = set(selection.article_ids) - {a.id for a in articles}
        if missing:
            raise NotFoundError(
                f"no article with id {sorted(missing)[0]!r}; `storyline articles` lists the ids"
            )
    else:
        articles = list(
            store.list_articles(
                ArticleFilter(
                    source=selection.source,
                    since=selection.since,
                    until=selection.until,
                    query=selection.query,
                    limit=None,
                )
            )
        )
    return sorted(articles, key=lambda a: (a.published or "9999", a.id))


PARTS = ("summary", "timeline", "comparison")


@dataclass(frozen=True)
class Telling:
    """A set of articles told: its cited summary, its timeline and the comparison of what
    its outlets report. A part that :func:`tell` was not asked for is None."""

    summary: Summary | None = None
    timeline: Timeline | None = None
    comparison: Comparison | None = None


def tell(
    articles: Sequence[Article],
    enrichments: Mapping[str, Enrichment],
    what: str,
    *,
    parts: Collection[str] = PARTS,
    summary_options: SummaryOptions | None = None,
    timeline_options: TimelineOptions | None = None,
    compare_options: CompareOptions | None = None,
) -> Telling:
    """The summary, timeline and comparison (those named in ``parts``) of ``articles``
    (oldest first) from their ``enrichments``, both loaded once by the caller.

    An InputError says why there is nothing to tell: no articles in ``what`` (as
    :meth:`Selection.describe` words it), or none of them enriched yet.
    """
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise InputError(f"unknown part {unknown[0]!r} to tell; choose from {', '.join(PARTS)}")
    if not articles:
        raise InputError(f"no articles in {what}; nothing to tell")
    if not enrichments:
        raise InputError(
            f"none of the {len(articles)} selected articles is enriched yet; run `storyline enrich`"
        )
    return Telling(
        summary=summarize(articles, enrichments, summary_options) if "summary" in parts else None,
        timeline=build_timeline(articles, enrichments, timeline_options or TimelineOptions())
        if "timeline" in parts
        else None,
        comparison=compare_sources(articles, enrichments, compare_options)
        if "comparison" in parts
        else None,
    )


def _load(store: Store, selection: Selection) -> tuple[list[Article], dict[str, Enrichment]]:
    """The selected articles (oldest first) and their enrichments, in one query."""
    articles = select_articles(store, selection)
    return articles, store.get_enrichments([a.id for a in articles])


def _told(store: Store, selection: Selection, part: str, **options: Any) -> Telling:
    """One part of the selection's telling (``options``: that part's, as :func:`tell`
    takes them)."""
    return tell(*_load(store, selection), selection.describe(), parts=(part,), **options)


def timeline(
    store: Store, selection: Selection, options: TimelineOptions | None = None
) -> Timeline:
    told = _told(store, selection, "timeline", timeline_options=options)
    assert told.timeline is not None  # the part asked for
    return told.timeline


def compare(
    store: Store, selection: Selection, options: CompareOptions | None = None
) -> Comparison:
    told = _told(store, selection, "comparison", compare_options=options)
    assert told.comparison is not None  # the part asked for
    return told.comparison


def summary(store: Store, selection: Selection, options: SummaryOptions | None = None) -> Summary:
    told = _told(store, selection, "summary", summary_options=options)
    assert told.summary is not None  # the part asked for
    return told.summary


def export(
    store: Store,
    selection: Selection,
    fmt: str,
    *,
    title: str | None = None,
    timeline_options: TimelineOptions | None = None,
    summary_options: SummaryOptions | None = None,
    base_url: str = "http://127.0.0.1:8000",
) -> str:
    """A self-contained report (md, html or json): summary, timeline and comparison;
    or (atom) the story's Atom feed, whose links lead to ``base_url``."""
    if fmt == "atom":
        if not selection.story:
            raise InputError("--format atom exports a story: give its id")
        return story_feed(store, selection.story, base_url=base_url)
    articles, enrichments = _load(store, selection)
    told = tell(
        articles,
        enrichments,
        selection.describe(),
        summary_options=summary_options,
        timeline_options=timeline_options,
    )
    assert told.summary is not None and told.timeline is not None  # every part was asked for
    assert told.comparison is not None
    return export_report(
        title or _title(store, selection),
        told.timeline,
        told.comparison,
        told.summary,
        articles,
        fmt,
    )


def story_feed(store: Store, story_id: str, *, base_url: str) -> str:
    """The Atom feed of a story: one entry per event, with a cited summary and the
    updates recorded in it (``storyline watch``)."""
    from storyline.service.clustering import get_cluster
    from storyline.service.common import now_iso

    story = get_cluster(store, "story", story_id)
    by_event: dict[str, list[Update]] = {}
    for update in store.list_updates(story=story.id):
        placement = store.get_placement(update.article_id)
        if placement is not None:
            by_event.setdefault(placement.event_id, []).append(update)
    events: list[AtomEvent] = []
    for row in store.list_clusters("event", story=story.id):
        articles = sorted(
            store.get_articles(store.cluster_members(story=None, event=row.id)),
            key=lambda a: (a.published or "9999", a.id),
        )
        enrichments = store.get_enrichments([a.id for a in articles])
        summary = (
            summarize(articles, enrichments, SummaryOptions(max_words=80)) if enrichments else None
        )
        events.append(
            AtomEvent(row.id, row.title, row.end, articles, summary, by_event.get(row.id, []))
        )
    return render_atom(story.id, story.title, events, base_url=base_url, generated=now_iso())


def _title(store: Store, selection: Selection) -> str:
    if selection.story or selection.event:
        from storyline.service.clustering import cluster_title

        return cluster_title(store, story=selection.story, event=selection.event)
    return f"storyline report: {selection.describe()}"
