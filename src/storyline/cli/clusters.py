"""Commands over events and stories: cluster, recluster, events, stories, story, why, similar."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storyline import service
from storyline.cli.app import app, current_settings, open_store, out, print_json, spinner
from storyline.store.clusters import ClusterRow

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _row_json(row: ClusterRow, kind: str, articles: list[str] | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": row.id,
        "title": row.title,
        "start": row.start,
        "end": row.end,
        "article_count": row.articles,
    }
    if kind == "event":
        data["story"] = row.story_id
    else:
        data["events"] = row.events
    if articles is not None:
        data["articles"] = articles
    return data


@app.command("cluster")
def cluster_command(as_json: JsonOpt = False) -> None:
    """Place every enriched article not placed yet into an event and a story, then split
    the events that came apart and merge those that tell one happening (logged)."""
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
    """Stories, most recently active first, with article counts and date spans."""
    with open_store() as store:
        rows = service.list_stories(store, limit=limit or None)
        members = {
            row.id: service.cluster_article_ids(store, story=row.id, event=None) for row in rows
        }
    if as_json:
        print_json([_row_json(row, "story", members[row.id]) for row in rows])
        return
    table = Table("story", "title", "articles", "events", "span")
    for row in rows:
        span = f"{row.start or '?'} .. {row.end or '?'}"
        table.add_row(row.id, escape(row.title), str(row.articles), str(row.events), span)
    out.print(table)


@app.command()
def events(
    story: Annotated[str | None, typer.Option(help="Only the events of this story.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Events, most recently active first."""
    with open_store() as store:
        rows = service.list_events(store, story=story, limit=limit or None)
        members = {
            row.id: service.cluster_article_ids(store, story=None, event=row.id) for row in rows
        }
    if as_json:
        print_json([_row_json(row, "event", members[row.id]) for row in rows])
        return
    table = Table("event", "story", "title", "articles", "span")
    for row in rows:
        span = f"{row.start or '?'} .. {row.end or '?'}"
        table.add_row(row.id, row.story_id or "", escape(row.title), str(row.articles), span)
    out.print(table)


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="Story id (see `storyline stories`).")],
    as_json: JsonOpt = False,
) -> None:
    """One story: its events and articles."""
    with open_store() as store:
        row = service.get_cluster(store, "story", story_id)
        ids = service.cluster_article_ids(store, story=story_id, event=None)
        event_rows = service.list_events(store, story=story_id, limit=None)
        articles = {a.id: a for a in store.get_articles(ids)}
        event_members = {
            e.id: service.cluster_article_ids(store, story=None, event=e.id) for e in event_rows
        }
    if as_json:
        data = _row_json(row, "story", ids)
        data["event_list"] = [_row_json(e, "event", event_members[e.id]) for e in event_rows]
        print_json(data)
        return
    out.print(f"[bold]{escape(row.title)}[/bold]  ({row.id}, {row.start} .. {row.end})")
    for event_row in sorted(event_rows, key=lambda e: (e.start or "", e.id)):
        out.print(
            f"  [bold]{event_row.start or '?'}[/bold] {escape(event_row.title)} ({event_row.id})"
        )
        for article_id in event_members[event_row.id]:
            article = articles[article_id]
            label = f"{article.source or '?'}: {article.title or article.text[:60]}"
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
    out.print(f"[dim]{escape(json.dumps(row.explanation.get('event_candidates', [])))}[/dim]")


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
