"""What the story page shows, computed once per version of a story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from markupsafe import Markup

from storyline import service
from storyline.display import UNKNOWN_SOURCE
from storyline.errors import InputError
from storyline.models import Article, Figure, Quote
from storyline.narrate.compare import Comparison, Report
from storyline.narrate.export_html import timeline_svg
from storyline.narrate.summarize import Summary
from storyline.narrate.timeline import Timeline
from storyline.store.base import Store
from storyline.store.clusters import ClusterRow

__all__ = ["Listed", "StoryView", "story_view"]

T = TypeVar("T")
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")
_MAX_FACTS = 60
_MAX_ITEMS = 60


@dataclass(frozen=True)
class FactRow:
    kind: str
    label: str
    verdict: str
    cells: tuple[Report | None, ...]
    first: tuple[str, ...]


@dataclass(frozen=True)
class Listed:
    """One line of the story's article list (what the page shows of an article)."""

    id: str
    title: str
    source: str | None
    published: str | None


@dataclass(frozen=True)
class StoryView:
    row: ClusterRow
    events: Sequence[ClusterRow]
    articles: Sequence[Listed]  # oldest first; the page shows one slice of it
    summary: Summary | None
    timeline: Timeline | None
    svg: Markup | None
    comparison: Comparison | None
    facts: Sequence[FactRow]
    quotes: Sequence[tuple[Article, Quote]]
    figures: Sequence[tuple[Article, Figure]]
    places: Sequence[tuple[str, str, int]]
    entities: Sequence[tuple[str, str, int]] = ()  # top entities: key, name, articles
    problems: Sequence[str] = field(default_factory=tuple)
    legend: Sequence[tuple[str, str]] = ()  # (outlet, colour) of the timeline's dots


def _attempt(build: Callable[[], T], problems: list[str]) -> T | None:
    """The result, or None with the reason kept for the page (nothing enriched yet, ...)."""
    try:
        return build()
    except InputError as exc:
        problems.append(str(exc))
        return None


def _facts(comparison: Comparison | None) -> list[FactRow]:
    if comparison is None:
        return []
    matrix = comparison.matrix()
    rows: list[FactRow] = []
    for fact in comparison.facts[:_MAX_FACTS]:
        cells = tuple((matrix[fact.key].get(outlet) or (None,))[0] for outlet in comparison.outlets)
        rows.append(FactRow(fact.kind, fact.label, fact.verdict, cells, fact.first))
    return rows


def story_view(store: Store, row: ClusterRow) -> StoryView:
    """Events, summary, timeline (SVG), comparison, quotes, figures and places of a story,
    all from one selection of its articles and one query for their enrichments."""
    problems: list[str] = []
    (detail,) = service.cluster_details(store, "story", [row], top=10)
    articles = sorted(
        store.get_articles(detail.article_ids or ()), key=lambda a: (a.published or "9999", a.id)
    )
    enrichments = service.get_enrichments(store, [a.id for a in articles])  # one query
    what = service.Selection(story=row.id).describe()
    # nothing told (the reason kept in problems) while none of its articles is enriched
    told = _attempt(lambda: service.tell(articles, enrichments, what), problems)
    told = told or service.Telling()
    summary, timeline, comparison = told.summary, told.timeline, told.comparison
    outlets = sorted({a.source or UNKNOWN_SOURCE for a in articles})
    colours = {o: _PALETTE[i % len(_PALETTE)] for i, o in enumerate(outlets)}
    # timeline_svg escapes every piece of text it draws (storyline.narrate.export_html).
    svg = Markup(timeline_svg(timeline, colours)) if timeline is not None else None
    drawn = {
        e.sentences[0].source or UNKNOWN_SOURCE
        for e in (timeline.entries if timeline is not None else ())
        if e.sentences
    }
    legend = [(outlet, colour) for outlet, colour in colours.items() if outlet in drawn]
    quotes: list[tuple[Article, Quote]] = []
    figures: list[tuple[Article, Figure]] = []
    places: Counter[tuple[str, str]] = Counter()
    for article in articles:
        enrichment = enrichments.get(article.id)
        if enrichment is None:
            continue
        quotes += [(article, q) for q in enrichment.quotes if q.kind == "direct"]
        figures += [(article, f) for f in enrichment.figures]
        places.update((p.name, p.country) for p in enrichment.places)
    return StoryView(
        row=row,
        events=service.list_events(store, story=row.id, limit=None),
        articles=tuple(Listed(a.id, a.headline(), a.source, a.published) for a in articles),
        summary=summary,
        timeline=timeline,
        svg=svg,
        comparison=comparison,
        facts=_facts(comparison),
        quotes=quotes[:_MAX_ITEMS],
        figures=figures[:_MAX_ITEMS],
        places=[(name, country, n) for (name, country), n in places.most_common(_MAX_ITEMS)],
        entities=detail.profile.entities,
        problems=tuple(dict.fromkeys(problems)),
        legend=legend,
    )
