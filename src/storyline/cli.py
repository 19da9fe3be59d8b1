"""The ``storyline`` command line: a thin face over ``storyline.service``.

Exit codes: 0 success; 1 the command ran but some inputs were rejected (``ingest``);
2 an error stopped the command (bad option, unreadable store, unknown id, ...), reported
as one line on standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, ClassVar, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import jsonview, service
from storyline.errors import StorylineError
from storyline.models import Enrichment
from storyline.settings import SETTINGS, Settings, load_settings, settings_markdown
from storyline.store.base import ArticleFilter, Store

app = typer.Typer(
    help="storyline: local-first news intelligence. Ingest articles, then explore them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

EXIT_REJECTED = 1
EXIT_ERROR = 2


class _State:
    """Global options of this invocation, set by the callback before any command runs."""

    overrides: ClassVar[dict[str, Any]] = {}
    config: ClassVar[Path | None] = None


def _settings() -> Settings:
    return load_settings(_State.overrides, config=_State.config)


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def _store() -> Iterator[Store]:
    try:
        store = service.open_store(_settings())
    except StorylineError as exc:
        _fail(str(exc))
    try:
        yield store
    except StorylineError as exc:
        _fail(str(exc))
    finally:
        store.close()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Store file (setting `db`, env STORYLINE_DB).", show_default=False
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="A storyline.toml settings file.", show_default=False),
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override any setting: --set dedupe.threshold=0.9 (see `storyline settings`).",
            show_default=False,
        ),
    ] = None,
) -> None:
    overrides: dict[str, Any] = {}
    for item in setting or []:
        name, sep, value = item.partition("=")
        if not sep:
            _fail(f"--set takes NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value.strip()
    if db is not None:
        overrides["db"] = db
    _State.overrides = overrides
    _State.config = config
    try:
        _settings()
    except StorylineError as exc:
        _fail(str(exc))


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
        typer.Option("--published", help="Publication date (ISO) for every article of this run."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Outlet name for every article of this run.")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="JSONL/CSV field mapping OURS=THEIRS, e.g. text=body."),
    ] = None,
    fetch: Annotated[bool, typer.Option("--fetch", help="Allow fetching http(s) URLs.")] = False,
    no_enrich: Annotated[
        bool, typer.Option("--no-enrich", help="Do not enrich the new articles now.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Read articles into the store: cleaned, with metadata, deduplicated, enriched."""
    fields: dict[str, str] = {}
    for item in field or []:
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            _fail(f"--field takes OURS=THEIRS (e.g. text=body), got {item!r}")
        fields[ours.strip()] = theirs.strip()
    options = service.IngestOptions(
        format=format, fields=fields, published=published, source=source, fetch=fetch
    )
    with (
        _store() as store,
        Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("ingesting", total=None)

        def progress(done: int, rejected: int) -> None:
            bar.update(task, description=f"ingesting: {done} articles, {rejected} rejected")

        settings = _settings()
        report = service.ingest(
            store, paths, settings, options, progress=progress, stdin=sys.stdin.buffer
        )
        enriched = None
        if settings["enrich.on_ingest"] and not no_enrich:
            bar.update(task, description="enriching")
            enriched = service.enrich(
                store,
                settings,
                progress=lambda done, _: bar.update(task, description=f"enriching: {done}"),
            )
    if as_json:
        data = jsonview.ingest_report(report)
        data["enriched"] = enriched.articles if enriched else 0
        _print_json(data)
    else:
        out.print(
            f"added {report.added} articles ({report.duplicates} linked as duplicates), "
            f"{report.unchanged} already in the store"
            + (f" ({report.dated} of them now dated)" if report.dated else "")
            + f", {len(report.rejected)} rejected "
            f"in {report.seconds:.1f} s"
        )
        if enriched is not None and enriched.articles:
            out.print(f"enriched {enriched.articles} articles in {enriched.seconds:.1f} s")
        for rejection in report.rejected:
            err.print(
                f"[yellow]rejected[/yellow] {escape(rejection.origin)}: {escape(rejection.reason)}",
                soft_wrap=True,
            )
    if report.rejected:
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
        _fail(str(exc))
    with _store() as store:
        found = service.list_articles(store, article_filter)
    if as_json:
        _print_json([jsonview.article_summary(a) for a in found])
        return
    table = Table("id", "published", "source", "title", "words")
    for a in found:
        title = escape(a.title or a.text[:60])
        if a.duplicate_of:
            title += f" [dim](copy of {escape(a.duplicate_of)})[/dim]"
        table.add_row(
            escape(a.id), a.published or "?", escape(a.source or "?"), title, str(a.words)
        )
    out.print(table)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (see `storyline articles`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Also print the raw text.")] = False,
) -> None:
    """Show one article: metadata, cleaned text and the edits cleaning made."""
    with _store() as store:
        article = service.get_article(store, article_id)
        extracted = service.get_enrichment(store, article_id)
    if as_json:
        data = jsonview.article_detail(article)
        if extracted is not None:
            data.update(jsonview.enrichment(extracted))
        _print_json(data)
        return
    meta = Table.grid(padding=(0, 2))
    for name, value in (
        ("id", article.id),
        ("title", article.title),
        ("source", article.source),
        ("published", article.published),
        ("updated", article.updated),
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
            table.add_row(escape(q.speaker or "?"), escape(q.cue), escape(q.text), q.kind)
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
def enrich(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Enrich every article not enriched yet: entities, times, quotes, figures, places."""
    with (
        _store() as store,
        Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("enriching", total=None)
        report = service.enrich(
            store,
            _settings(),
            progress=lambda done, _: bar.update(task, description=f"enriching: {done}"),
        )
    if as_json:
        _print_json(
            {
                "enriched": report.articles,
                "seconds": round(report.seconds, 3),
                "enriched_by": report.producer,
            }
        )
    else:
        out.print(f"enriched {report.articles} articles in {report.seconds:.1f} s")


@app.command()
def entities(
    type: Annotated[
        str | None, typer.Option("--type", help="person, organisation, place, group, other.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List canonical entities with their mention and article counts."""
    with _store() as store:
        rows = service.list_entities(store, type=type, limit=limit or None)
    if as_json:
        _print_json([jsonview.entity_count(e, m, a) for e, m, a in rows])
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
    with _store() as store:
        figures = service.store_stats(store)
    if as_json:
        _print_json(jsonview.store_stats(figures))
        return
    table = Table.grid(padding=(0, 2))
    table.add_row("articles", str(figures.articles))
    table.add_row("duplicates (linked copies)", str(figures.duplicates))
    table.add_row("outlets", str(figures.sources))
    table.add_row("words", str(figures.words))
    table.add_row(
        "published", f"{figures.first_published or '?'} .. {figures.last_published or '?'}"
    )
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
    with _store() as store:
        items = service.rejections(store)
    if as_json:
        _print_json([jsonview.rejection(r) for r in items])
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
    resolved = _settings()
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
        _print_json(rows)
        return
    table = Table("setting", "value", "env", "help")
    for row in rows:
        table.add_row(row["name"], escape(str(row["value"])), row["env"], escape(row["help"]))
    out.print(table)


@app.command()
def bench(
    task: Annotated[str, typer.Argument(help="pipeline, extract, timex, quotes, ...")],
    path: Annotated[Path, typer.Argument(help="Benchmark data folder or file.")],
) -> None:
    """Run one benchmark from scratch; the last line of output is its JSON result."""
    from storyline.bench import run_bench

    try:
        result = run_bench(task, path, _settings())
    except StorylineError as exc:
        _fail(str(exc))
    _print_json(result)


def main() -> None:
    app()
