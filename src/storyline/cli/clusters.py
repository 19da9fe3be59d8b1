"""Commands over events and stories: cluster, recluster, events, stories, story, why, similar."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storyline import jsonview, service
from storyline.cli.app import app, current_settings, open_store, out, print_json, spinner
from storyline.store.clusters import ClusterProfile, ClusterRow

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _span(row: ClusterRow) -> str:
    return f"{row.start or '?'} .. {row.end or '?'}"


def _outlets(profile: ClusterProfile, shown: int = 3) -> str:
    names = [f"{source or 'unknown'} {count}" for source, count in profile.outlets]
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
    with open_store() as store, spinner("clustering") as update:
        report = service.cluster(
            store, current_settings(), progress=lambda done, _: update(f"clustering: {done}")
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
    with open_store() as store, spinner("reclustering") as update:
        report = service.recluster(
            store, current_settings(), progress=lambda done, _: update(f"reclustering: {done}")
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
    as_json: JsonOpt = False,
) -> None:
    """Stories, most recently active first, with counts, outlets, spans and top entities."""
    with open_store() as store:
        rows = service.list_stories(store, limit=limit or None)
        profiles = service.cluster_profiles(store, "story", rows)
        members = {
            row.id: service.cluster_article_ids(store, story=row.id, event=None) for row in rows
        }
    if as_json:
        print_json([jsonview.cluster("story", r, profiles[r.id], members[r.id]) for r in rows])
        return
    table = Table("story", "title", "articles", "events", "span", "outlets", "top entities")
    for row in rows:
        profile = profiles[row.id]
        table.add_row(
            row.id,
            escape(row.title),
            str(row.articles),
            str(row.events),
            _span(row),
            escape(_outlets(profile)),
            escape(_entities(profile)),
        )
    out.print(table)


@app.command()
def events(
    story: Annotated[str | None, typer.Option(help="Only the events of this story.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Events, most recently active first, with counts, outlets, spans and top entities."""
    with open_store() as store:
        rows = service.list_events(store, story=story, limit=limit or None)
        profiles = service.cluster_profiles(store, "event", rows)
        members = {
            row.id: service.cluster_article_ids(store, story=None, event=row.id) for row in rows
        }
    if as_json:
        print_json([jsonview.cluster("event", r, profiles[r.id], members[r.id]) for r in rows])
        return
    table = Table("event", "story", "title", "articles", "span", "outlets", "top entities")
    for row in rows:
        profile = profiles[row.id]
        table.add_row(
            row.id,
            row.story_id or "",
            escape(row.title),
            str(row.articles),
            _span(row),
            escape(_outlets(profile)),
            escape(_entities(profile)),
        )
    out.print(table)


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="Story id (see `storyline stories`).")],
    as_json: JsonOpt = False,
) -> None:
    """One story: its outlets, top entities, events and articles."""
    with open_store() as store:
        row = service.get_cluster(store, "story", story_id)
        ids = service.cluster_article_ids(store, story=story_id, event=None)
        event_rows = service.list_events(store, story=story_id, limit=None)
        profile = service.cluster_profiles(store, "story", [row], top=10)[row.id]
        event_profiles = service.cluster_profiles(store, "event", event_rows)
        articles = {a.id: a for a in store.get_articles(ids)}
        event_members = {
            e.id: service.cluster_article_ids(store, story=None, event=e.id) for e in event_rows
        }
    if as_json:
        data = jsonview.cluster("story", row, profile, ids)
        data["events"] = [
            jsonview.cluster("event", e, event_profiles[e.id], event_members[e.id])
            for e in event_rows
        ]
        print_json(data)
        return
    out.print(f"[bold]{escape(row.title)}[/bold]  ({row.id}, {_span(row)})")
    out.print(f"  outlets: {escape(_outlets(profile, shown=10))}")
    out.print(f"  top entities: {escape(_entities(profile, shown=10))}")
    for event_row in sorted(event_rows, key=lambda e: (e.start or "", e.id)):
        out.print(
            f"  [bold]{event_row.start or '?'}[/bold] {escape(event_row.title)} ({event_row.id})"
        )
        for article_id in event_members[event_row.id]:
            article = articles[article_id]
            label = f"{article.source or '?'}: {article.headline(60)}"
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
    for level in ("event", "story"):
        scored = row.explanation.get(f"{level}_candidates") or []
        if scored:
            listed = ", ".join(f"{c['id']} {c['score']:.3f}" for c in scored)
            out.print(f"[dim]  {level}s scored on arrival: {escape(listed)}[/dim]")


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
