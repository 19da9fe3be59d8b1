"""Commands over articles: ingest, enrich, list, show, entities, stats, settings."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storyline import jsonview, service
from storyline.cli.app import (
    EXIT_REJECTED,
    app,
    current_settings,
    err,
    fail,
    is_narrow,
    open_store,
    out,
    override_setting,
    print_json,
    print_wrapped,
    progress,
)
from storyline.display import UNDATED, display_date, source_label
from storyline.errors import StorylineError
from storyline.models import Enrichment
from storyline.settings import SETTINGS, settings_markdown
from storyline.store.base import ArticleFilter

_SCHEDULER = typer.Option(
    "--scheduler",
    help="Run reading, cleaning and enrichment on this Dask scheduler, tcp://HOST:PORT "
    "(setting dask.scheduler, env STORYLINE_DASK_SCHEDULER).",
    show_default=False,
)


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, URLs (with --fetch) or - for stdin.")
    ],
    format: Annotated[
        str | None,
        typer.Option("--format", help="Force a reader: text, html, rss, jsonl, csv, warc."),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            help="Publication date (ISO) for every article of this run (an article already "
            "stored takes it only if it has none).",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Outlet name for every article of this run (an article already stored "
            "takes it only if it has none).",
        ),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="JSONL/CSV field mapping OURS=THEIRS, e.g. text=body."),
    ] = None,
    fetch: Annotated[bool, typer.Option("--fetch", help="Allow fetching http(s) URLs.")] = False,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help="Follow symbolic links that point outside the folders given (off: such "
            "links are rejected).",
        ),
    ] = False,
    no_enrich: Annotated[
        bool, typer.Option("--no-enrich", help="Do not enrich the new articles now.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    scheduler: Annotated[str | None, _SCHEDULER] = None,
) -> None:
    """Read articles into the store: cleaned, with metadata, deduplicated, enriched."""
    override_setting("dask.scheduler", scheduler)
    fields: dict[str, str] = {}
    for item in field or []:
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            fail(f"--field takes OURS=THEIRS (e.g. text=body), got {item!r}")
        fields[ours.strip()] = theirs.strip()
    options = service.IngestOptions(
        format=format,
        fields=fields,
        published=published,
        source=source,
        fetch=fetch,
        follow_links=follow_links,
    )
    try:  # bad options fail before a store is opened (or created)
        service.parse_date_option(published, "--published")
    except StorylineError as exc:
        fail(str(exc))
    missing = service.missing_paths(paths)
    if missing:
        fail(f"no such file or folder: {', '.join(repr(p) for p in missing)}; nothing was read")
    with open_store(create=True) as store, progress() as update:
        processed = service.run_ingest(
            store,
            paths,
            current_settings(),
            options,
            enrich_new=not no_enrich,
            status=update,
            stdin=sys.stdin.buffer,
        )
    report, enriched, clustered = processed.ingested, processed.enriched, processed.clustered
    if as_json:
        data = jsonview.ingest_report(report)
        data["enriched"] = enriched.articles if enriched else 0
        data["clustered"] = clustered.articles if clustered else 0
        print_json(data)
    else:
        filled = [
            f"{count} of them now {what}"
            for count, what in ((report.dated, "dated"), (report.sourced, "with an outlet"))
            if count
        ]
        out.print(
            f"added {report.added} articles ({report.duplicates} linked as duplicates), "
            f"{report.unchanged} already in the store"
            + (f" ({', '.join(filled)})" if filled else "")
            + f", {len(report.rejected)} rejected "
            f"in {report.seconds:.1f} s"
        )
        if report.dated:
            out.print(
                "  their events and stories were chosen without that date: `storyline recluster` "
                "places every article again"
            )
        if enriched is not None and enriched.articles:
            out.print(f"enriched {enriched.articles} articles in {enriched.seconds:.1f} s")
        if clustered is not None and clustered.articles:
            out.print(
                f"placed {clustered.articles} articles: {clustered.new_events} new events, "
                f"{clustered.new_stories} new stories"
            )
            for line in clustered.log:
                out.print(f"  {escape(line)}")
        for reason, count in report.skipped.items():
            err.print(f"[dim]skipped {count} × {escape(reason)}[/dim]")
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
        for line in processed.webhook_errors:
            err.print(f"[yellow]webhook:[/yellow] {escape(line)}")
        for rejection in (*report.rejected, *(enriched.rejected if enriched else ())):
            err.print(
                f"[yellow]rejected[/yellow] {escape(rejection.origin)}: {escape(rejection.reason)}",
                soft_wrap=True,
            )
    if report.rejected or (enriched is not None and enriched.rejected):
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def articles(
    source: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (ISO date).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (ISO date).")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Text contains.")] = None,
    no_duplicates: Annotated[
        bool, typer.Option("--no-duplicates", help="Hide syndicated copies.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List articles, oldest first."""
    try:
        article_filter = ArticleFilter(
            source=source,
            since=service.parse_date_option(since, "--since"),
            until=service.parse_date_option(until, "--until"),
            query=query,
            duplicates=not no_duplicates,
            limit=limit or None,
            offset=offset,
        )
    except StorylineError as exc:
        fail(str(exc))
    with open_store() as store:
        found = service.list_articles(store, article_filter)
    if as_json:
        print_json([jsonview.article_summary(a) for a in found])
        return
    if not found:
        filtered = any((source, since, until, query, offset))
        out.print("no articles match" if filtered else "no articles yet: `storyline ingest PATH`")
        return
    table = Table("id", "published", "source", "title", "words")
    for a in found:
        title = escape(a.headline(60))
        if a.duplicate_of:
            title += f" [dim](copy of {escape(a.duplicate_of)})[/dim]"
        table.add_row(
            escape(a.id),
            display_date(a.published) or UNDATED,
            escape(source_label(a.source)),
            title,
            str(a.words),
        )
    for column in table.columns[:2]:
        column.no_wrap = True
        column.overflow = "fold"
    out.print(table)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (see `storyline articles`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Also print the raw text.")] = False,
) -> None:
    """Show one article: metadata, cleaned text and the edits cleaning made."""
    with open_store() as store:
        article = service.get_article(store, article_id)
        extracted = service.get_enrichment(store, article_id)
    if as_json:
        data = jsonview.article_detail(article)
        if extracted is not None:
            data.update(jsonview.enrichment(extracted))
        print_json(data)
        return
    meta = Table.grid(padding=(0, 2))
    for name, value in (
        ("id", article.id),
        ("title", article.title),
        ("source", article.source),
        ("published", _with_time(article.published)),
        ("updated", _with_time(article.updated)),
        ("authors", ", ".join(article.authors)),
        ("contributors", ", ".join(article.contributors)),
        ("dateline", article.dateline),
        ("credits", ", ".join(article.credits)),
        ("language", article.language),
        ("url", article.url),
        ("origin", article.origin),
        (
            "duplicate of",
            f"{article.duplicate_of} ({article.duplicate_kind})" if article.duplicate_of else None,
        ),
    ):
        if value:
            meta.add_row(f"[bold]{name}[/bold]", escape(str(value)))
    out.print(meta)
    out.print()
    out.print(escape(article.text))
    if article.edits:
        table = Table("raw span", "before", "after", "reason", title="Edits", title_justify="left")
        for edit in article.edits:
            table.add_row(
                f"{edit.start}-{edit.end}",
                escape(repr(edit.before)),
                escape(repr(edit.after)),
                edit.reason,
            )
        out.print(table)
    if extracted is not None:
        _show_enrichment(extracted)
    if raw:
        out.rule("raw")
        out.print(escape(article.raw))


def _with_time(value: str | None) -> str | None:
    """The display date, with the stored value beside it when that holds a time."""
    shown = display_date(value)
    return shown if shown == value else f"{shown} (stored {value})"


def _show_enrichment(item: Enrichment) -> None:
    if item.entities:
        table = Table("entity", "type", "attributes", title="Entities", title_justify="left")
        for entity in item.entities:
            table.add_row(escape(entity.name), entity.type, escape("; ".join(entity.attributes)))
        out.print(table)
    if item.times:
        table = Table("text", "type", "value", "offsets", title="Times", title_justify="left")
        for t in item.times:
            table.add_row(
                escape(t.text), t.type, escape(t.value or "(unresolved)"), f"{t.start}-{t.end}"
            )
        out.print(table)
    if item.quotes:
        table = Table("speaker", "cue", "quote", "kind", title="Quotes", title_justify="left")
        for q in item.quotes:
            table.add_row(escape(q.speaker or "unknown"), escape(q.cue), escape(q.text), q.kind)
        out.print(table)
    if item.figures:
        table = Table(
            "text", "value", "unit", "qualifier", "counts", title="Figures", title_justify="left"
        )
        for f in item.figures:
            table.add_row(
                escape(f.text),
                f"{f.value:g}",
                escape(f.unit),
                escape(f.qualifier),
                escape(f.counts),
            )
        out.print(table)
    if item.places:
        table = Table(
            "place", "country", "kind", "lat, lon", "dateline", title="Places", title_justify="left"
        )
        for p in item.places:
            where = (
                f"{p.latitude:.3f}, {p.longitude:.3f}"
                if p.latitude is not None and p.longitude is not None
                else "?"
            )
            table.add_row(escape(p.name), p.country, p.kind, where, "yes" if p.is_dateline else "")
        out.print(table)
    out.print(f"[dim]enriched by {escape(item.producer)}[/dim]")


@app.command()
def enrich(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    scheduler: Annotated[str | None, _SCHEDULER] = None,
) -> None:
    """Enrich every article not enriched yet: entities, times, quotes, figures, places."""
    override_setting("dask.scheduler", scheduler)
    with open_store() as store, progress() as update:
        report = service.enrich(
            store,
            current_settings(),
            progress=lambda done, total: update("enriching", done, total),
        )
    if as_json:
        print_json(
            {
                "enriched": report.articles,
                "seconds": round(report.seconds, 3),
                "enriched_by": report.producer,
                "rejected": [{"origin": r.origin, "reason": r.reason} for r in report.rejected],
            }
        )
    else:
        out.print(f"enriched {report.articles} articles in {report.seconds:.1f} s")
        for rejection in report.rejected:
            err.print(
                f"[yellow]rejected[/yellow] {escape(rejection.origin)}: {escape(rejection.reason)}",
                soft_wrap=True,
            )
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def entities(
    type: Annotated[
        str | None, typer.Option("--type", help="person, organisation, place, group, other.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List canonical entities with their mention and article counts."""
    with open_store() as store:
        rows = service.list_entities(store, type=type, limit=limit or None)
    if as_json:
        print_json([jsonview.entity_count(e, m, a) for e, m, a in rows])
        return
    if not rows:
        kind = f"{type} " if type else ""
        out.print(f"no {kind}entities yet: `storyline enrich` finds them")
        return
    table = Table("entity", "type", "mentions", "articles", "aliases")
    for entity, mentions, articles_count in rows:
        table.add_row(
            escape(entity.name),
            entity.type,
            str(mentions),
            str(articles_count),
            escape(", ".join(a for a in entity.aliases if a != entity.name)[:80]),
        )
    out.print(table)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts of what the store holds."""
    with open_store() as store:
        figures = service.store_stats(store)
    if as_json:
        print_json(jsonview.store_stats(figures))
        return
    table = Table.grid(padding=(0, 2))
    table.add_row("articles", str(figures.articles))
    table.add_row("duplicates (linked copies)", str(figures.duplicates))
    table.add_row("outlets", str(figures.sources))
    table.add_row("words", str(figures.words))
    table.add_row(
        "published",
        f"{display_date(figures.first_published) or '?'} .. "
        f"{display_date(figures.last_published) or '?'}",
    )
    table.add_row("enriched", str(figures.enriched))
    table.add_row("placed in events", str(figures.placed))
    table.add_row("pending (not yet enriched or placed)", str(figures.pending))
    table.add_row("ingest runs", str(figures.runs))
    table.add_row("rejected inputs", str(figures.rejections))
    out.print(table)
    if figures.by_source:
        sources = Table("outlet", "articles")
        for name, count in figures.by_source:
            sources.add_row(escape(name), str(count))
        out.print(sources)


@app.command()
def rejected(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every input ever rejected, with its reason."""
    with open_store() as store:
        items = service.rejections(store)
    if as_json:
        print_json([jsonview.rejection(r) for r in items])
        return
    if not items:
        out.print("no rejected inputs")
        return
    for item in items:
        out.print(f"{escape(item.origin)}: {escape(item.reason)}")


@app.command("settings")
def settings_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the settings reference (docs/settings.md).")
    ] = False,
) -> None:
    """List every setting with its value, default and environment variable."""
    if markdown:
        sys.stdout.write(settings_markdown())
        return
    resolved = current_settings()
    rows = [
        {
            "name": s.name,
            "value": resolved[s.name],
            "default": s.default,
            "env": s.env,
            "help": s.help,
        }
        for s in SETTINGS
    ]
    if as_json:
        print_json(rows)
        return
    if is_narrow():
        for row in rows:
            changed = "" if row["value"] == row["default"] else f" (default {row['default']})"
            print_wrapped(
                f"[bold]{row['name']}[/bold] = {escape(str(row['value']))}{escape(changed)}"
            )
            print_wrapped(f"  env {row['env']}")
            print_wrapped(f"  {escape(row['help'])}")
        return
    table = Table("setting", "value", "env", "help")
    for row in rows:
        table.add_row(row["name"], escape(str(row["value"])), row["env"], escape(row["help"]))
    for column in (table.columns[0], table.columns[2]):
        column.no_wrap = True
        column.overflow = "fold"
    out.print(table)
