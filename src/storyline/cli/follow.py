"""``storyline follow``, ``storyline watch`` and ``storyline updates``: following sources
and telling what is new in watched stories (thin over ``service.following`` and
``service.watching``)."""

from __future__ import annotations

import signal
import threading
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.markup import escape

from storyline.cli.app import (
    EXIT_REJECTED,
    app,
    current_settings,
    open_store,
    out,
    print_json,
)
from storyline.models import Update
from storyline.service import following, watching
from storyline.store.follow import Subscription

follow_app = typer.Typer(help="Follow feeds, pages and folders, polled when due.")
watch_app = typer.Typer(help="Watch a story, an entity or a query for updates.")
app.add_typer(follow_app, name="follow")
app.add_typer(watch_app, name="watch")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@follow_app.command("add")
def follow_add(
    target: Annotated[str, typer.Argument(help="A feed or page URL, or a folder.")],
    every: Annotated[
        str | None, typer.Option("--every", help="Polling interval: 30m, 2h, 1d (follow.every).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Outlet name given to its articles.")
    ] = None,
) -> None:
    """Follow a feed, a page or a folder; `follow run` polls it."""
    with open_store(create=True) as store:
        sub = following.add_subscription(
            store, target, current_settings(), every=every, source=source
        )
    out.print(f"following {sub.id}: {escape(sub.target)} every {_duration(sub.every_seconds)}")


@follow_app.command("list")
def follow_list(as_json: JsonOpt = False) -> None:
    """Subscriptions with their last success, last error and next poll."""
    with open_store() as store:
        subs = following.list_subscriptions(store)
    if as_json:
        print_json([asdict(s) for s in subs])
        return
    if not subs:
        out.print("nothing followed yet; `storyline follow add URL` follows a feed")
    for sub in subs:
        out.print(_subscription_line(sub))


@follow_app.command("remove")
def follow_remove(subscription_id: Annotated[int, typer.Argument(help="Its id.")]) -> None:
    """Stop following a subscription (its articles stay in the store)."""
    with open_store() as store:
        following.remove_subscription(store, subscription_id)
    out.print(f"removed subscription {subscription_id}")


@follow_app.command("run")
def follow_run(
    once: Annotated[bool, typer.Option("--once", help="Poll every subscription once, exit.")] = (
        False
    ),
    due: Annotated[
        bool, typer.Option("--due", help="With --once: only those due (for cron, with back-off).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Poll each subscription when it is due, until SIGINT/SIGTERM (the batch in hand is
    finished first). With --once, exit code 1 when a poll failed (recorded on it)."""
    stopping = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    settings = current_settings()
    try:
        with open_store() as store:
            if once:
                report = following.poll(
                    store, settings, due_only=due, stop=stopping.is_set, status=_status
                )
                _print_report(report, as_json)
                if any(p.error for p in report.polls):
                    raise typer.Exit(EXIT_REJECTED)
            else:
                following.run_forever(
                    store,
                    settings,
                    stop=stopping.is_set,
                    status=_status,
                    report=lambda r: _print_report(r, as_json),
                )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _status(line: str) -> None:
    typer.echo(line, err=True)


def _print_report(report: following.FollowReport, as_json: bool) -> None:
    if as_json:
        print_json(asdict(report) | {"stored": report.stored})
        return
    for poll in report.polls:
        if poll.error:
            state = f"[red]error:[/red] {escape(poll.error)}"
        elif poll.not_modified:
            state = "not modified"
        else:
            state = f"{poll.stored} stored, {poll.skipped} seen before"
        out.print(f"{poll.subscription_id} {escape(poll.target)}: {state}")
        for rejection in poll.rejected:
            out.print(f"  rejected {escape(rejection.origin)}: {escape(rejection.reason)}")
    if report.updates:
        out.print(f"{report.updates} updates recorded (`storyline updates`)")


def _subscription_line(sub: Subscription) -> str:
    parts = [
        f"{sub.id} {escape(sub.target)} ({sub.kind}, every {_duration(sub.every_seconds)})",
        f"stored {sub.stored}",
        f"last success {sub.last_success or 'never'}",
    ]
    if sub.last_error:
        failing = f" ({sub.errors} in a row)" if sub.errors else " (since recovered)"
        parts.append(f"last error {sub.last_error_at}: {escape(sub.last_error)}{failing}")
    parts.append(f"next poll {sub.next_poll}")
    return "; ".join(parts)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@watch_app.command("add")
def watch_add(
    kind: Annotated[str, typer.Argument(help="story, entity or query.")],
    target: Annotated[str, typer.Argument(help="Story id, entity name or query text.")],
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST each update as JSON to this URL.")
    ] = None,
) -> None:
    """Watch a story, an entity or a query: its updates are recorded as articles arrive."""
    with open_store() as store:
        watch = watching.add_watch(store, kind, target, current_settings(), webhook=webhook)
    out.print(f"watching {watch.id}: {watch.kind} {escape(watch.target)}")


@watch_app.command("list")
def watch_list(as_json: JsonOpt = False) -> None:
    """Watches."""
    with open_store() as store:
        items = watching.list_watches(store)
    if as_json:
        print_json([asdict(w) for w in items])
        return
    for w in items:
        hook = f" -> {escape(w.webhook)}" if w.webhook else ""
        out.print(f"{w.id} {w.kind} {escape(w.target)}{hook}")


@watch_app.command("remove")
def watch_remove(watch_id: Annotated[int, typer.Argument(help="Its id.")]) -> None:
    """Stop watching (its updates are removed too)."""
    with open_store() as store:
        watching.remove_watch(store, watch_id)
    out.print(f"removed watch {watch_id}")


@app.command()
def updates(
    since: Annotated[
        str | None, typer.Option("--since", help="Only updates after this ISO date/time.")
    ] = None,
    story: Annotated[str | None, typer.Option("--story", help="Only this story.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What is new in the watched stories, each update cited to its article and span."""
    with open_store() as store:
        found = watching.list_updates(store, since=since, story=story)
    if as_json:
        print_json([watching.update_json(u) for u in found])
        return
    if not found:
        out.print("no updates")
    for update in found:
        out.print(_update_lines(update))


def _update_lines(update: Update) -> str:
    lines = [f"{update.at} [{update.kind}] story {update.story_id}: {update.summary}"]
    for c in update.citations:
        lines.append(
            f"  [{c.source or '?'}, {c.published or 'undated'}, "
            f"{c.article_id}:{c.start}-{c.end}] {c.text}"
        )
    return escape("\n".join(lines))
