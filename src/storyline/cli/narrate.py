"""Commands that tell a set of articles: timeline, compare, summary, export."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from storyline import service
from storyline.cli.app import app, current_settings, err, fail, open_store, out, print_json
from storyline.display import UNDATED, display_date, source_label
from storyline.errors import StorylineError
from storyline.narrate.compare import Comparison
from storyline.narrate.summarize import SummaryOptions
from storyline.narrate.timeline import CitedSentence, TimelineOptions
from storyline.service.narrating import Selection
from storyline.store.base import Store

StoryArg = Annotated[str | None, typer.Argument(help="Story id (see `storyline stories`).")]
EventOpt = Annotated[str | None, typer.Option("--event", help="An event id instead of a story.")]
ArticleOpt = Annotated[
    list[str] | None, typer.Option("--article", help="Article ids to tell (repeatable).")
]
QueryOpt = Annotated[str | None, typer.Option("--query", "-q", help="Articles whose text has.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only this outlet.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Published on or after.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Published on or before.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _selection(
    story: str | None,
    event: str | None,
    article: list[str] | None,
    query: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
) -> Selection:
    try:
        return Selection(
            article_ids=tuple(article or ()),
            story=story,
            event=event,
            query=query,
            source=source,
            since=service.parse_date_option(since, "--since"),
            until=service.parse_date_option(until, "--until"),
        )
    except StorylineError as exc:
        fail(str(exc))


def _check_scope(store: Store, selection: Selection, command: str) -> None:
    """A whole-store selection: refused when the store holds several stories (name one),
    else said on standard error, so nobody mistakes the whole store for one story."""
    if not selection.is_everything():
        return
    stories = service.list_stories(store, limit=2)
    if len(stories) > 1:
        fail(
            f"the store holds several stories; name one: `storyline {command} STORY` "
            "(`storyline stories` lists them), or narrow the articles with --event, "
            "--query, --source, --since or --until"
        )
    figures = service.store_stats(store)
    first = display_date(figures.first_published) or "?"
    last = display_date(figures.last_published) or "?"
    about = f" (story {stories[0].id})" if stories else ""
    err.print(
        f"{command} of the whole store{about}: {figures.articles} articles "
        f"published {first} .. {last}",
        highlight=False,
    )


def _cite(sentence: CitedSentence) -> str:
    when = display_date(sentence.published) or UNDATED
    where = f"{source_label(sentence.source)}, {when}; {sentence.article_id}"
    return f"[dim]{escape(f'[{where} {sentence.start}-{sentence.end}]')}[/dim]"


@app.command()
def timeline(
    story: StoryArg = None,
    event: EventOpt = None,
    article: ArticleOpt = None,
    query: QueryOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    start: Annotated[str | None, typer.Option(help="First event date (ISO).")] = None,
    end: Annotated[str | None, typer.Option(help="Last event date (ISO).")] = None,
    dates: Annotated[int, typer.Option(help="At most this many dates (0: all).")] = 0,
    per_date: Annotated[int, typer.Option(help="Sentences per date.")] = 1,
    keyword: Annotated[list[str] | None, typer.Option(help="Focus keywords (repeatable).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What happened when, dated by when it happened, every sentence cited."""
    selection = _selection(story, event, article, query, source, since, until)
    with open_store() as store:
        _check_scope(store, selection, "timeline")
        options = TimelineOptions(
            start=start,
            end=end,
            max_dates=dates or None,
            sentences_per_date=per_date,
            keywords=tuple(keyword or ()),
        )
        result = service.timeline(store, selection, options)
    if as_json:
        print_json(asdict(result))
        return
    for entry in result.entries:
        out.print(f"[bold]{escape(entry.date)}[/bold]")
        for sentence in entry.sentences:
            reported = ""
            if sentence.published and not sentence.published.startswith(entry.date):
                reported = f" [dim](reported {display_date(sentence.published)})[/dim]"
            out.print(f"  {escape(sentence.text)}{reported} {_cite(sentence)}")


@app.command()
def compare(
    story: StoryArg = None,
    event: EventOpt = None,
    article: ArticleOpt = None,
    query: QueryOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """How outlets cover the same thing: who reports what, agreements, conflicts, wording."""
    selection = _selection(story, event, article, query, source, since, until)
    with open_store() as store:
        _check_scope(store, selection, "compare")
        result = service.compare(store, selection)
    if as_json:
        print_json(asdict(result))
        return
    _print_comparison(result)


def _print_comparison(result: Comparison) -> None:
    table = Table("fact", *result.outlets, "verdict", title="Who reports what")
    for fact in result.facts[:40]:
        cells = ["✓" if outlet in fact.outlets else "" for outlet in result.outlets]
        table.add_row(escape(fact.label), *cells, fact.verdict)
    out.print(table)
    for check in result.figure_checks:
        out.print(f"[bold]{escape(check.label)}[/bold]: {check.verdict}")
        for pair in check.pairs:
            for report in (pair.first, pair.second):
                text = escape(report.sentence.text)
                out.print(f"  {escape(report.outlet)}: {text} {_cite(report.sentence)}")
    for view in result.views:
        out.print(f"[bold]{escape(view.outlet)}[/bold] ({len(view.articles)} articles)")
        labels = {fact.key: fact.label for fact in result.facts}
        if view.exclusive:
            only = "; ".join(labels.get(k, k) for k in view.exclusive[:12])
            out.print(f"  only here: {escape(only)}")
        if view.missing:
            out.print(
                f"  leaves out: {escape('; '.join(labels.get(k, k) for k in view.missing[:12]))}"
            )
        for wording in view.wordings[:8]:
            out.print(
                f"  wording: “{escape(wording.text)}” ({wording.count}×; others {wording.others}×)"
            )


@app.command()
def summary(
    story: StoryArg = None,
    event: EventOpt = None,
    article: ArticleOpt = None,
    query: QueryOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    words: Annotated[int, typer.Option(help="At most this many words (0: no word limit).")] = 120,
    sentences: Annotated[int, typer.Option(help="At most this many sentences (0: no limit).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """A short extractive summary, redundancy removed, every sentence cited."""
    selection = _selection(story, event, article, query, source, since, until)
    with open_store() as store:
        _check_scope(store, selection, "summary")
        try:
            options = SummaryOptions(max_words=words or None, max_sentences=sentences or None)
        except StorylineError as exc:
            fail(str(exc))
        result = service.summary(store, selection, options)
    if as_json:
        print_json(asdict(result))
        return
    for sentence in result.sentences:
        out.print(f"{escape(sentence.text)} {_cite(sentence)}")


@app.command()
def export(
    story: StoryArg = None,
    event: EventOpt = None,
    article: ArticleOpt = None,
    query: QueryOpt = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="md, html, json or atom (a story's feed).")
    ] = "html",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: standard output).")
    ] = None,
) -> None:
    """Write a self-contained report: summary, timeline and comparison, all cited."""
    selection = _selection(story, event, article, query, source, since, until)
    with open_store() as store:
        _check_scope(store, selection, "export")
        base_url = str(current_settings()["follow.base_url"])
        report = service.export(store, selection, format, base_url=base_url)
    if output is None:
        out.file.write(report)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write the report to {str(output)!r}: {exc.strerror}")
    out.print(f"wrote {escape(str(output))} ({len(report):,} characters)")
