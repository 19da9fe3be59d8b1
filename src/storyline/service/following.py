"""Following sources: subscriptions to feeds, pages and folders, polled when due.

A poll of a URL is a conditional GET (the last response's ``ETag`` / ``Last-Modified``);
304 stores nothing. A feed's new items (not seen before by link, guid or content) are
read from their pages when the feed gives only a teaser (robots.txt respected, one
request per ``follow.host_interval`` seconds per host) and go through the same ingest,
enrich and cluster code as ``storyline ingest``, ``follow.batch_size`` at a time; each
batch is committed before the next item is fetched, and watch updates are recorded as
its articles are placed. A failing poll is recorded on its subscription (``errors``,
``last_error``) and retried after an exponential back-off; the other subscriptions go
on. A poll that stops early (``stop``, a failed page) keeps the old validators, so the
next poll reads the whole feed again and picks up what was left.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

from storyline.errors import FetchError, InputError, StorylineError
from storyline.ingest.decode import declared_html_charset, decode_bytes
from storyline.ingest.feed_items import content_digest, is_teaser, item_keys, page_document
from storyline.ingest.feeds import read_feed
from storyline.ingest.pipeline import RunMetadata
from storyline.ingest.readers import read_inputs, sniff_format
from storyline.models import Document, Rejection
from storyline.service.common import now_iso
from storyline.service.enriching import enrich
from storyline.service.ingesting import ingest_inputs
from storyline.settings import Settings
from storyline.store.base import Store
from storyline.store.follow import PollResult, Subscription

if TYPE_CHECKING:
    import httpx

    from storyline.ingest.fetch import FetchedPage, HostLimiter, RobotsRules

Stop = Callable[[], bool]  # true once the run should stop (SIGINT/SIGTERM)
Status = Callable[[str], None]

_INTERVAL: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS: Final = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_FEED_TYPES: Final = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def parse_interval(text: str) -> float:
    """``"30m"`` -> 1800.0 seconds (units s, m, h, d; a bare number is seconds)."""
    match = _INTERVAL.match(text)
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()] if match else 0.0
    if seconds < 1:
        raise InputError(
            f"--every must be a duration such as 30m, 2h, 1d or 90s (at least 1 s), got {text!r}"
        )
    return seconds


def add_subscription(
    store: Store,
    target: str,
    settings: Settings,
    *,
    every: str | None = None,
    source: str | None = None,
) -> Subscription:
    """Follow ``target``: an http(s) URL (a feed or a page) or a local folder."""
    seconds = parse_interval(every or str(settings["follow.every"]))
    if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
        if not target.lower().startswith(("http://", "https://")):
            raise InputError(f"cannot follow {target!r}: only http and https URLs can be followed")
        kind, where = "url", target.strip()
    else:
        path = Path(target).expanduser()
        if not path.is_dir():
            raise InputError(
                f"cannot follow {target!r}: not an http(s) URL and not a folder; give a feed "
                "or page URL, or a folder of articles to watch"
            )
        kind, where = "folder", str(path.resolve())
    name = source.strip() if source and source.strip() else None
    new_id = store.add_subscription(where, kind, name, seconds, now_iso())
    return store.get_subscription(new_id)


def list_subscriptions(store: Store) -> Sequence[Subscription]:
    return store.list_subscriptions()


def remove_subscription(store: Store, subscription_id: int) -> None:
    store.remove_subscription(subscription_id)


@dataclass(frozen=True)
class PollReport:
    """One poll of one subscription."""

    subscription_id: int
    target: str
    stored: int = 0
    skipped: int = 0  # items seen before
    not_modified: bool = False
    error: str | None = None
    rejected: tuple[Rejection, ...] = ()
    complete: bool = True


@dataclass(frozen=True)
class FollowReport:
    polls: tuple[PollReport, ...]
    updates: int = 0
    stopped: bool = False

    @property
    def stored(self) -> int:
        return sum(p.stored for p in self.polls)


@dataclass
class _Poll:
    """The running state of one poll."""

    sub: Subscription
    pending: list[tuple[Document | None, list[str]]] = field(default_factory=list)  # keys
    stored: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    complete: bool = True


class _Poller:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        client: httpx.Client,
        stop: Stop,
        status: Status,
    ) -> None:
        from storyline.ingest.fetch import HostLimiter, RobotsRules

        self.store = store
        self.settings = settings
        self.client = client
        self.stop = stop
        self.say = status
        self.limiter: HostLimiter = HostLimiter(float(settings["follow.host_interval"]))
        self.robots: RobotsRules = RobotsRules(settings, client, self.limiter)
        self.updates = 0

    # --- one subscription ---------------------------------------------------------------

    def poll(self, sub: Subscription) -> PollReport:
        self.say(f"polling {sub.id}: {sub.target}")
        state = _Poll(sub)
        etag, modified, not_modified = sub.etag, sub.last_modified, False
        error: str | None = None
        try:
            if sub.kind == "folder":
                self._poll_folder(state)
            else:
                page = self._get(sub.target, conditional=sub)
                not_modified = page.not_modified
                if not not_modified:
                    self._read_response(state, page)
                    etag, modified = page.etag, page.last_modified
            self._flush(state)
        except (StorylineError, OSError) as exc:
            error = str(exc)
            state.complete = False
            self._flush(state)
        now = datetime.now(UTC)
        self.store.record_poll(
            sub.id,
            PollResult(
                at=now_iso(now),
                next_poll=now_iso(now + timedelta(seconds=self._wait(sub, error))),
                error=error,
                etag=etag,
                last_modified=modified,
                keep_validators=not state.complete,
                stored=state.stored,
            ),
        )
        return PollReport(
            sub.id,
            sub.target,
            stored=state.stored,
            skipped=state.skipped,
            not_modified=not_modified,
            error=error,
            rejected=tuple(state.rejected),
            complete=state.complete,
        )

    def _wait(self, sub: Subscription, error: str | None) -> float:
        if error is None:
            return sub.every_seconds
        backoff = sub.every_seconds * 2 ** (sub.errors + 1)
        return float(min(float(self.settings["follow.max_backoff"]), backoff))

    def _get(self, url: str, *, conditional: Subscription | None = None) -> FetchedPage:
        from storyline.ingest.fetch import conditional_headers, fetch_url

        headers = None
        if conditional is not None:
            headers = conditional_headers(conditional.etag, conditional.last_modified)
        self.limiter.wait(url)
        page = fetch_url(url, settings=self.settings, client=self.client, headers=headers)
        if page.status >= 400:
            raise FetchError(f"HTTP status {page.status} from {url}: the server sent an error")
        return page

    def _read_response(self, state: _Poll, page: FetchedPage) -> None:
        origin = state.sub.target
        kind = _kind(page)
        if kind == "html":
            text = decode_bytes(page.body, origin=origin, declared=declared_html_charset(page.body))
            document = Document(origin=origin, format="html", html=text, url=page.final_url)
            keys = ["hash:" + content_digest(page.body)]
            if not self.store.seen_keys(keys):
                state.pending.append((document, keys))
            else:
                state.skipped += 1
            return
        if kind != "rss":
            raise InputError(
                f"{origin} is neither a feed nor an HTML page (Content-Type "
                f"{page.content_type or 'missing'!r}); follow a feed or an article page"
            )
        items = list(read_feed(page.body, origin=origin, content_type=page.content_type))
        documents = [i for i in items if isinstance(i, Document)]
        if not documents:
            reasons = "; ".join(r.reason for r in items if isinstance(r, Rejection))
            raise InputError(f"{origin}: {reasons or 'the feed has no items'}")
        state.rejected += [r for r in items if isinstance(r, Rejection)]
        for item in documents:
            if self.stop():
                state.complete = False
                return
            self._take_item(state, item)
            if len(state.pending) >= int(self.settings["follow.batch_size"]):
                self._flush(state)

    def _take_item(self, state: _Poll, item: Document) -> None:
        keys = item_keys(item)
        if self.store.seen_keys(keys) or (item.url and self.store.stored_urls([item.url])):
            state.skipped += 1
            return
        document = item
        if item.url and is_teaser(item, int(self.settings["follow.teaser_words"])):
            try:
                document = self._read_page(item)
            except (FetchError, InputError) as exc:
                # not seen: the poll stays incomplete so the item is tried again
                state.rejected.append(Rejection(item.origin, f"article page not read: {exc}"))
                state.complete = False
                return
        state.pending.append((document, keys))

    def _read_page(self, item: Document) -> Document:
        url = item.url or ""
        if bool(self.settings["follow.robots"]) and not self.robots.allowed(url):
            raise FetchError(f"robots.txt of {url} disallows fetching it")
        page = self._get(url)
        text = decode_bytes(page.body, origin=url, declared=declared_html_charset(page.body))
        return page_document(item, text, final_url=page.final_url)

    def _poll_folder(self, state: _Poll) -> None:
        folder = Path(state.sub.target)
        if not folder.is_dir():
            raise InputError(f"followed folder {str(folder)!r} no longer exists")
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if self.stop():
                state.complete = False
                return
            info = path.stat()
            keys = [f"file:{path}:{info.st_mtime_ns}:{info.st_size}"]
            if self.store.seen_keys(keys):
                state.skipped += 1
                continue
            for item in read_inputs([str(path)], settings=self.settings):
                if isinstance(item, Rejection):
                    state.rejected.append(item)
                else:
                    state.pending.append((item, []))
            state.pending.append((None, keys))
            if len(state.pending) >= int(self.settings["follow.batch_size"]):
                self._flush(state)

    # --- one batch: ingest, enrich, cluster, updates; then the items count as seen -------

    def _flush(self, state: _Poll) -> None:
        if not state.pending:
            return
        documents = [d for d, _ in state.pending if d is not None]
        keys = [k for _, ks in state.pending for k in ks]
        sub = state.sub
        report = ingest_inputs(
            self.store,
            documents,
            self.settings,
            RunMetadata(source=sub.source),
            command=f"follow {sub.id} {sub.target}",
        )
        state.stored += report.added
        state.rejected += list(report.rejected)
        if report.article_ids and self.settings["enrich.on_ingest"]:
            enrich(self.store, self.settings)
            if self.settings["cluster.on_ingest"]:
                from storyline.service.clustering import cluster
                from storyline.service.watching import record_updates

                cluster(self.store, self.settings)
                recorded = record_updates(self.store, self.settings, report.article_ids)
                self.updates += len(recorded.added)
                for line in recorded.webhook_errors:
                    self.say(line)
        self.store.mark_seen(sub.id, [(k, None) for k in keys], now_iso())
        state.pending.clear()


def _kind(page: FetchedPage) -> str | None:
    declared = page.content_type.split(";")[0].strip().lower()
    if declared in _FEED_TYPES:
        return "rss"
    if declared in ("text/html", "application/xhtml+xml"):
        sniffed = sniff_format(page.body[:4096])
        return "rss" if sniffed == "rss" else "html"
    return sniff_format(page.body[:4096])


@contextmanager
def _poller(store: Store, settings: Settings, stop: Stop, status: Status) -> Iterator[_Poller]:
    from storyline.ingest.fetch import new_client

    with new_client() as client:
        yield _Poller(store, settings, client, stop, status)


def _never() -> bool:
    return False


def poll(
    store: Store,
    settings: Settings,
    *,
    due_only: bool = False,
    stop: Stop | None = None,
    status: Status | None = None,
) -> FollowReport:
    """Poll every subscription once (only those due, with ``due_only``), soonest first."""
    should_stop = stop or _never
    say = status or (lambda _line: None)
    subs = store.list_subscriptions(due=now_iso() if due_only else None)
    reports: list[PollReport] = []
    with _poller(store, settings, should_stop, say) as poller:
        for sub in subs:
            if should_stop():
                break
            reports.append(poller.poll(sub))
        return FollowReport(tuple(reports), poller.updates, stopped=should_stop())


def run_forever(
    store: Store,
    settings: Settings,
    *,
    stop: Stop,
    status: Status | None = None,
    report: Callable[[FollowReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll each subscription when it is due until ``stop()`` is true."""
    while not stop():
        done = poll(store, settings, due_only=True, stop=stop, status=status)
        if report is not None and done.polls:
            report(done)
        subs = store.list_subscriptions()
        if not subs:
            wait = 5.0
        else:
            soonest = datetime.fromisoformat(subs[0].next_poll)
            wait = (soonest - datetime.now(UTC)).total_seconds()
        left = max(0.2, min(wait, 5.0))
        while left > 0 and not stop():
            step = min(left, 0.2)
            sleep(step)
            left -= step
