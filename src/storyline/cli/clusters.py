"""Commands over events and stories: cluster, recluster, events, stories, story, why, similar."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storyline import jsonview, service
from storyline.cli.app import (
    app,
    current_settings,
    err,
    is_narrow,
    open_store,
    out,
    print_json,
    print_wrapped,
    progress,
)
from storyline.display import UNKNOWN_SOURCE, display_date, id_key
from storyline.store.clusters import ClusterDetail, ClusterProfile, ClusterRow

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SortOpt = Annotated[
    str, typer.Option("--sort", help="recent (last active first), size (most articles) or id.")
]


def _span(row: ClusterRow) -> str:
    if not row.start and not row.end:
        return "undated"
    return f"{display_date(row.start) or '?'} .. {display_date(row.end) or '?'}"


def _outlets(profile: ClusterProfile, shown: int = 3) -> str:
    names = [f"{source or UNKNOWN_SOURCE} {count}" for source, count in profile.outlets]
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f", +{more} more" if more > 0 else "")


def _entities(profile: ClusterProfile, shown: int = 3) -> str:
    return ", ".join(name for _, name, _ in profile.entities[:shown])


@app.command("cluster")
def cluster_command(as_json: JsonOpt = False) -> None:
    """Place new enriched articles into events and stories, then split and merge events.

    Every article not placed yet goes into an event and a story; events whose articles
    came apart are split and events that tell one happening are merged, each change logged.
    """
    with open_store() as store, progress() as update:
        report = service.cluster(
            store,
            current_settings(),
            progress=lambda done, total: update("clustering", done, total),
        )
    if as_json:
        print_json(asdict(report))
        return
    out.print(
        f"placed {report.articles} articles: {report.new_events} new events, "
        f"{report.new_stories} new stories in {report.seconds:.1f} s"
    )
    for line in report.log:
        out.print(f"  {escape(line)}")


@app.command()
def recluster(as_json: JsonOpt = False) -> None:
    """Rebuild every event and story from scratch; log each merge and split."""
    with open_store() as store, progress() as update:
        report = service.recluster(
            store,
            current_settings(),
            progress=lambda done, total: update("reclustering", done, total),
        )
    if as_json:
        print_json(asdict(report))
        return
    out.print(f"placed {report.articles} articles again; {len(report.log)} changes")
    for line in report.log:
        out.print(f"  {escape(line)}")


@app.command()
def stories(
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    sort: SortOpt = "recent",
    as_json: JsonOpt = False,
) -> None:
    """Stories, most recently active first, with counts, outlets, spans and top entities."""
    with open_store() as store:
        details = service.cluster_details(
            store, "story", service.list_stories(store, limit=limit or None, sort=sort)
        )
    if as_json:
        print_json([jsonview.cluster(d) for d in details])
        return
    if not details:
        out.print("no stories yet: `storyline cluster` places enriched articles into stories")
        return
    if is_narrow():
        _print_blocks(details)
        return
    table = Table("story", "title", "articles", "events", "span", "outlets", "top entities")
    for detail in details:
        row, profile = detail.row, detail.profile
        table.add_row(
            row.id,
            escape(row.title),
            str(row.articles),
            str(row.events),
            _span(row),
            escape(_outlets(profile)),
            escape(_entities(profile)),
        )
    _keep_whole(table, "story", "span")
    out.print(table)


def _keep_whole(table: Table, *headers: str) -> None:
    """Never wrap or cut these columns (ids, dates): the other columns give way."""
    for column in table.columns:
        if column.header in headers:
            column.no_wrap = True
            column.overflow = "fold"


def _print_blocks(details: list[ClusterDetail]) -> None:
    """One block per event or story, for narrow terminals: nothing is cut, lines wrap."""
    for detail in details:
        row, profile = detail.row, detail.profile
        counts = f"{row.articles} articles"
        if detail.kind == "story":
            counts += f", {row.events} events"
        elif row.story_id:
            counts += f", story {row.story_id}"
        print_wrapped(f"[bold]{row.id}[/bold]  {escape(row.title)}")
        print_wrapped(f"  {counts}, {_span(row)}")
        if profile.outlets:
            print_wrapped(f"  outlets: {escape(_outlets(profile))}")
        if profile.entities:
            print_wrapped(f"  top entities: {escape(_entities(profile))}")


@app.command()
def events(
    story: Annotated[str | None, typer.Option(help="Only the events of this story.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    sort: SortOpt = "recent",
    as_json: JsonOpt = False,
) -> None:
    """Events, most recently active first, with counts, outlets, spans and top entities."""
    with open_store() as store:
        details = service.cluster_details(
            store,
            "event",
            service.list_events(store, story=story, limit=limit or None, sort=sort),
        )
    if as_json:
        print_json([jsonview.cluster(d) for d in details])
        return
    if not details:
        where = f" in story {story}" if story else " yet: `storyline cluster` places articles"
        out.print(f"no events{where}")
        return
    if is_narrow():
        _print_blocks(details)
        return
    table = Table("event", "story", "title", "articles", "span", "outlets", "top entities")
    for detail in details:
        row, profile = detail.row, detail.profile
        table.add_row(
            row.id,
            row.story_id or "",
            escape(row.title),
            str(row.articles),
            _span(row),
            escape(_outlets(profile)),
            escape(_entities(profile)),
        )
    _keep_whole(table, "event", "story", "span")
    out.print(table)


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="Story id (see `storyline stories`).")],
    as_json: JsonOpt = False,
) -> None:
    """One story: its outlets, top entities, events and articles."""
    with open_store() as store:
        row = service.get_cluster(store, "story", story_id)
        (whole,) = service.cluster_details(store, "story", [row], top=10)
        events = service.cluster_details(
            store, "event", service.list_events(store, story=row.id, limit=None)
        )
        articles = {a.id: a for a in store.get_articles(whole.article_ids or ())}
    if row.id != story_id:
        err.print(f"{story_id} was merged into {row.id}; showing {row.id}")
    if as_json:
        data = jsonview.cluster(whole)
        data["events"] = [jsonview.cluster(e) for e in events]
        if row.id != story_id:
            data["redirected_from"] = story_id
        print_json(data)
        return
    out.print(f"[bold]{escape(row.title)}[/bold]  ({row.id}, {_span(row)})")
    out.print(f"  outlets: {escape(_outlets(whole.profile, shown=10))}")
    out.print(f"  top entities: {escape(_entities(whole.profile, shown=10))}")
    for event in sorted(events, key=lambda e: (e.row.start or "", id_key(e.row.id))):
        event_row = event.row
        when = display_date(event_row.start) or "undated"
        out.print(f"  [bold]{when}[/bold] {escape(event_row.title)} ({event_row.id})")
        for article_id in event.article_ids or ():
            article = articles[article_id]
            label = f"{article.source or UNKNOWN_SOURCE}: {article.headline(60)}"
            out.print(f"      {escape(article_id)}  {escape(label)}")


@app.command()
def why(
    article_id: Annotated[str, typer.Argument(help="Article id.")],
    as_json: JsonOpt = False,
) -> None:
    """Why an article sits in its event and story: shared entities, terms, scores."""
    with open_store() as store:
        row = service.why(store, article_id)
    if as_json:
        print_json(asdict(row))
        return
    for line in row.explanation.get("lines", []):
        out.print(escape(str(line)))
    for level, plural in (("event", "events"), ("story", "stories")):
        scored = row.explanation.get(f"{level}_candidates") or []
        if scored:
            listed = ", ".join(f"{c['id']} {c['score']:.3f}" for c in scored)
            out.print(f"[dim]  {plural} scored on arrival: {escape(listed)}[/dim]")


@app.command()
def similar(
    first: Annotated[str, typer.Argument(help="An article id.")],
    second: Annotated[str, typer.Argument(help="Another article id.")],
    as_json: JsonOpt = False,
) -> None:
    """Rate two articles: 1 = same story .. 4 = unrelated (SemEval-2022 Task 8 scale)."""
    with open_store() as store:
        result = service.similar(store, first, second)
    if as_json:
        print_json(asdict(result))
        return
    out.print(
        f"{result.score:.2f} on 1 (same story) .. 4 (unrelated); term cosine {result.terms:.2f}, "
        f"entity cosine {result.entities:.2f}"
    )
    if result.shared_entities:
        out.print(f"shared entities: {escape(', '.join(result.shared_entities))}")
