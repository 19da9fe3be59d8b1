"""Watches and what is new: a story, an entity or a query whose updates are recorded as
articles are placed.

For each newly placed article of a watched story (or one that names the watched entity
or matches the query), compared with the story's earlier articles:

* ``new_event``: the article opened an event of the story;
* ``new_outlet``: no earlier article of the story came from its outlet;
* ``figure_conflict`` / ``figure_revision``: one of its figures conflicts with or differs
  from an earlier figure of the same quantity (the comparison's verdicts, from
  :mod:`storyline.narrate.compare_figures`), cited to both articles;
* ``new_speaker``: it quotes someone no earlier article of the story quoted.

Each update is cited to its article and span and recorded once (per watch and key).
A watch may name a webhook: each new update is POSTed to it as JSON, under the same
address rules as fetching; a failed delivery is reported, never retried.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from storyline.errors import FetchError, InputError
from storyline.models import Article, Enrichment, Figure, Update, UpdateCitation
from storyline.narrate.compare import CompareOptions
from storyline.narrate.compare_figures import compare_figures, quantity_key
from storyline.service.common import now_iso, parse_date_option
from storyline.settings import Settings
from storyline.store.base import Store
from storyline.store.follow import Watch

WATCH_KINDS: Final = ("story", "entity", "query")
_SENTENCE_END: Final = re.compile(r"[.!?](?=\s|$)|\n")
_KIND_VERDICT: Final = {"conflict": "figure_conflict", "differ": "figure_revision"}


def add_watch(
    store: Store, kind: str, target: str, settings: Settings, *, webhook: str | None = None
) -> Watch:
    """Watch a story (by id), an entity (by name) or a query (text)."""
    if kind not in WATCH_KINDS:
        raise InputError(f"a watch is on one of {', '.join(WATCH_KINDS)}, got {kind!r}")
    target = target.strip()
    if not target:
        raise InputError(f"give the {kind} to watch")
    if kind == "story":
        resolved = store.resolve_story(target)
        if resolved is None:
            raise InputError(f"no story with id {target!r}; `storyline stories` lists them")
        target = resolved
    if webhook is not None and not webhook.lower().startswith(("http://", "https://")):
        raise InputError(f"--webhook must be an http(s) URL, got {webhook!r}")
    new_id = store.add_watch(kind, target, webhook, now_iso())
    return next(w for w in store.list_watches() if w.id == new_id)


def list_watches(store: Store) -> Sequence[Watch]:
    return store.list_watches()


def remove_watch(store: Store, watch_id: int) -> None:
    store.remove_watch(watch_id)


def list_updates(
    store: Store, *, since: str | None = None, story: str | None = None, limit: int | None = None
) -> Sequence[Update]:
    """Updates recorded after ``since`` (an ISO date or datetime), oldest first."""
    when = parse_date_option(since, "--since")
    if story is not None:
        story = store.resolve_story(story) or story
    return store.list_updates(since=when, story=story, limit=limit)


def update_json(update: Update) -> dict[str, Any]:
    return asdict(update)


@dataclass(frozen=True)
class _Context:
    """The story's earlier articles, what they said and who they quoted."""

    sources: set[str]
    speakers: set[str]
    figures: list[tuple[Article, Figure]]


@dataclass(frozen=True)
class UpdatesReport:
    added: tuple[Update, ...] = ()
    webhook_errors: tuple[str, ...] = ()  # deliveries that failed (not retried)


def record_updates(store: Store, settings: Settings, article_ids: Sequence[str]) -> UpdatesReport:
    """Record the updates that the newly placed ``article_ids`` make, for every watch."""
    watches = list(store.list_watches())
    if not watches or not article_ids:
        return UpdatesReport()
    options = CompareOptions()
    found: list[Update] = []
    pending = set(article_ids)
    for article_id in article_ids:
        pending.discard(article_id)
        placement = store.get_placement(article_id)
        enrichment = store.get_enrichment(article_id)
        if placement is None or enrichment is None:
            continue
        story = store.resolve_story(placement.story_id) or placement.story_id
        article = store.get_article(article_id)
        matching = [w for w in watches if _matches(store, w, story, article, enrichment)]
        if not matching:
            continue
        earlier = [
            m
            for m in store.cluster_members(story=story, event=None)
            if m != article_id and m not in pending
        ]
        context = _context(store, earlier)
        event_members = store.cluster_members(story=None, event=placement.event_id)
        new_event = all(m == article_id or m in pending for m in event_members)
        for watch in matching:
            found += _updates(
                watch, story, placement.event_id, article, enrichment, context, new_event, options
            )
    added = tuple(store.add_updates(found, now_iso()))
    return UpdatesReport(added, _deliver(settings, watches, added))


def _matches(
    store: Store, watch: Watch, story: str, article: Article, enrichment: Enrichment
) -> bool:
    if watch.kind == "story":
        return (store.resolve_story(watch.target) or watch.target) == story
    wanted = watch.target.lower()
    if watch.kind == "entity":
        return any(
            wanted in (e.name.lower(), e.key.lower(), *(a.lower() for a in e.aliases))
            for e in enrichment.entities
        )
    return wanted in f"{article.title or ''}\n{article.text}".lower()


def _context(store: Store, ids: Sequence[str]) -> _Context:
    sources: set[str] = set()
    speakers: set[str] = set()
    figures: list[tuple[Article, Figure]] = []
    for article in store.get_articles(ids):
        if article.source:
            sources.add(article.source.lower())
        enrichment = store.get_enrichment(article.id)
        if enrichment is None:
            continue
        speakers.update(_speaker_key(q.speaker_entity, q.speaker) for q in enrichment.quotes)
        figures += [(article, f) for f in enrichment.figures if quantity_key(f)]
    speakers.discard("")
    return _Context(sources, speakers, figures)


def _updates(
    watch: Watch,
    story: str,
    event_id: str,
    article: Article,
    enrichment: Enrichment,
    context: _Context,
    new_event: bool,
    options: CompareOptions,
) -> list[Update]:
    outlet = article.source or "an unnamed outlet"
    lead = _sentence(article, 0)
    found: list[Update] = []

    def add(kind: str, summary: str, key: str, *citations: UpdateCitation) -> None:
        found.append(Update(watch.id, story, kind, article.id, summary, citations, key))

    if new_event:
        add("new_event", f"New event: {article.title or lead.text}", f"event:{event_id}", lead)
    if article.source and article.source.lower() not in context.sources:
        add("new_outlet", f"{outlet} covers the story", f"outlet:{article.source.lower()}", lead)
    for figure in enrichment.figures:
        key = quantity_key(figure)
        if key is None:
            continue
        for other_article, other in context.figures:
            if quantity_key(other) != key:
                continue
            verdict = compare_figures(
                other, figure, approx=options.approx, tolerance=options.tolerance
            )
            if verdict not in _KIND_VERDICT:
                continue
            earlier_outlet = other_article.source or "an earlier article"
            add(
                _KIND_VERDICT[verdict],
                f"{outlet} reports {figure.text!r}; {earlier_outlet} reported {other.text!r} "
                f"({verdict})",
                f"figure:{article.id}:{figure.start}",
                _sentence(article, figure.start),
                _sentence(other_article, other.start),
            )
            break
    seen: set[str] = set()
    for quote in enrichment.quotes:
        speaker = _speaker_key(quote.speaker_entity, quote.speaker)
        if not speaker or speaker in context.speakers or speaker in seen:
            continue
        seen.add(speaker)
        add(
            "new_speaker",
            f"{quote.speaker} is quoted for the first time ({outlet})",
            f"speaker:{speaker}",
            _citation(article, quote.start, quote.end),
        )
    return found


def _speaker_key(entity: str, name: str) -> str:
    return entity or name.strip().lower()


def _sentence(article: Article, offset: int) -> UpdateCitation:
    """The sentence of ``article`` holding ``offset``, as a citation."""
    text = article.text
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, max(0, offset)):
        start = match.end()
    end_match = _SENTENCE_END.search(text, max(offset, start))
    end = end_match.end() if end_match else len(text)
    while start < end and text[start].isspace():
        start += 1
    return _citation(article, start, end)


def _citation(article: Article, start: int, end: int) -> UpdateCitation:
    return UpdateCitation(
        article.id, start, end, article.text[start:end], article.source, article.published
    )


def _deliver(
    settings: Settings, watches: Sequence[Watch], added: Sequence[Update]
) -> tuple[str, ...]:
    """POST each new update to its watch's webhook; the failures, one line each."""
    hooks = {w.id: w.webhook for w in watches if w.webhook}
    if not hooks:
        return ()
    from storyline.ingest.fetch import post_json

    errors: list[str] = []
    for update in added:
        url = hooks.get(update.watch_id)
        if url is None:
            continue
        try:
            post_json(url, update_json(update), settings=settings)
        except FetchError as exc:
            errors.append(f"watch {update.watch_id}: webhook not delivered: {exc}")
    return tuple(errors)
