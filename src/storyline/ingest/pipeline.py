"""Turn one ``Document`` into an ``Article`` (pure): extract, clean, merge metadata, id.

Metadata precedence, strongest first: what the user gave for the run (``--published``,
``--source``) > what the container said (feed, JSONL/CSV fields, page metadata) > what
the text itself revealed (``Updated Sep 6, 2016``, bylines, sign-offs). A publication
date nobody gave stays unknown.

Article ids: the record's own id when it has one (JSONL/CSV ``id``), otherwise
``a`` + the first 16 hex digits of SHA-256 over the URL, the headline and the normalised
cleaned text, so the same input ingested twice gets the same id and adds nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace

from storyline.errors import InputError
from storyline.headlines import split_site_suffix
from storyline.ingest.clean import clean
from storyline.ingest.dedupe import Fingerprint, fingerprint
from storyline.ingest.html import extract_document
from storyline.ingest.language import detect_language
from storyline.models import Article, Document, Rejection
from storyline.settings import Settings


@dataclass(frozen=True)
class RunMetadata:
    """Metadata the user gave for every file of one ingest run."""

    published: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Prepared:
    article: Article
    fingerprint: Fingerprint


def article_id(document: Document, title: str | None, content_hash: str) -> str:
    """The record's own id, else a digest of what the article is (URL, headline, text).

    The file it came from does not count: the same article read from two places is one
    article, while two articles with the same body under different headlines or URLs
    are two (linked as duplicates, never dropped).
    """
    if document.id:
        return document.id
    key = f"{document.url or ''}\n{title or ''}\n{content_hash}"
    return "a" + hashlib.sha256(key.encode()).hexdigest()[:16]


def prepare(
    document: Document,
    settings: Settings,
    run: RunMetadata,
    timings: dict[str, float] | None = None,
) -> Prepared | Rejection:
    """Extract (HTML), clean and fingerprint one document; reject it with a reason.

    When ``timings`` is given, the seconds spent per stage are added to it.
    """
    clock = _Clock(timings)
    try:
        if document.html is not None and not document.raw:
            document = extract_document(document)
            clock.lap("extract")
        cleaned = clean(document.raw, format=document.format, settings=settings)
        clock.lap("clean")
    except InputError as exc:
        return Rejection(document.origin, str(exc))
    words = len(cleaned.text.split())
    if words < settings["ingest.min_words"]:
        return Rejection(
            document.origin,
            f"not an article: {words} words of text after cleaning "
            f"(ingest.min_words is {settings['ingest.min_words']})",
        )
    print_ = fingerprint(
        cleaned.text,
        threshold=settings["dedupe.threshold"],
        num_perm=settings["dedupe.num_perm"],
    )
    clock.lap("fingerprint")
    language = document.language or detect_language(cleaned.text)
    clock.lap("language")
    # the id is made from the title as read (ids stay stable); the title stored loses its
    # site suffix, which names the outlet when nothing else does
    title = document.title or cleaned.title
    source = run.source or document.source or cleaned.source
    stored_title, site = split_site_suffix(title, outlet=source, url=document.url)
    article = Article(
        id=article_id(document, title, print_.content_hash),
        text=cleaned.text,
        raw=document.raw,
        edits=cleaned.edits,
        title=stored_title,
        published=run.published or document.published or cleaned.published,
        updated=document.updated or cleaned.updated,
        source=source or site,
        url=document.url,
        language=language,
        authors=document.authors or cleaned.authors,
        contributors=cleaned.contributors,
        credits=cleaned.credits,
        captions=cleaned.captions,
        dateline=cleaned.dateline,
        description=document.description,
        origin=document.origin,
        format=document.format,
        html=document.html,
        content_hash=print_.content_hash,
        labels=document.labels,
    )
    return Prepared(article, print_)


def prepare_many(
    documents: list[Document], settings: Settings, run: RunMetadata
) -> tuple[list[Prepared | Rejection], dict[str, float]]:
    """``prepare`` over a chunk (the unit of work sent to a worker process).

    Returns the results in order and the seconds spent per stage on the chunk.
    """
    timings: dict[str, float] = {}
    return [prepare(document, settings, run, timings) for document in documents], timings


class _Clock:
    """Adds elapsed seconds per stage to a timings table (no-op without one)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is None:
            return
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


def with_duplicate(article: Article, original: str, kind: str) -> Article:
    return replace(article, duplicate_of=original, duplicate_kind=kind)
