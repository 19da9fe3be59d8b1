"""JSONL and CSV readers: one record -> one ``Document``, streamed line by line.

Field names (``FIELD_NAMES``): ``id, title, text, html, published, updated, source, url,
authors, language, description`` plus the gold labels ``event`` and ``story``, which go
to ``Document.labels`` as strings (nulls skipped). A field mapping renames columns:
``{"text": "body"}`` reads our ``text`` from their ``body``. ``authors`` is a list or a
``;``-separated string.

Without a mapping for it, each of our fields is also read from the names the common
tools write (``FIELD_ALIASES``: news-please's ``maintext`` / ``date_publish`` /
``source_domain``, newspaper4k's ``publish_date`` / ``meta_lang``, trafilatura's JSON
``raw_text`` / ``date`` / ``sitename`` / ``hostname``, CC-NEWS-derived dumps' ``date``,
Timeline17's ``time``, schema.org's ``datePublished`` / ``headline``, feeds' ``pubDate``):
the first of our name and its aliases that holds a value is read. A ``source`` that is a
URL (trafilatura's JSON puts the page's URL there) is read as the ``url``. Other columns
are not read; the reader adds their names to ``notes`` so the run warns once about them.

A record is rejected (``Rejection("path:LINE", reason)``, the batch goes on) when it is
not valid JSON, not an object, or has neither text nor html. In CSV, ``LINE`` is the line
on which the record starts (the header is line 1) and empty cells are nulls.

Dates (``normalise_date``): ISO dates stay as given; ISO datetimes, RFC 2822 dates,
Unix timestamps and unambiguous written dates (dateparser, absolute dates only, day,
month and year required) become ISO strings, keeping the offset when one is given. A
date that cannot be read is not guessed and does not cost the article: the article goes
on with that date unknown, and ``labels["warning"]`` says which value was dropped, so
the bad value is recorded without counting the article as rejected.

Lines (JSONL) or records (CSV) longer than ``ingest.max_bytes`` are rejected one by one:
those formats stream, so the limit applies per record, not per file. A JSON line nested
deeper than ``ingest.max_json_depth`` arrays or objects is rejected before it is parsed
(a 100,000-deep ``[[[...]]]`` would otherwise exhaust the parser's recursion). Lone
surrogates (JSON ``\ud800`` escapes) are replaced by U+FFFD in every field read, so
any value can be stored and shown.
"""

from __future__ import annotations

import codecs
import csv
import email.utils
import functools
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import IO, Any, BinaryIO, Final

import numpy as np

from storyline.errors import InputError
from storyline.ingest.decode import (
    CP1252_FALLBACK,
    decode_utf8_lenient,
    fix_mojibake,
    normalise_newlines,
)
from storyline.ingest.files import safe_text
from storyline.ingest.notes import ReadNotes
from storyline.models import Document, Rejection

STANDARD_FIELDS: Final = (
    "id",
    "title",
    "text",
    "html",
    "published",
    "updated",
    "source",
    "url",
    "authors",
    "language",
    "description",
)
LABEL_FIELDS: Final = ("event", "story")
FIELD_NAMES: Final = STANDARD_FIELDS + LABEL_FIELDS
# Other tools' names for our fields, tried in this order after our own name.
FIELD_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    "id": ("doc_id", "article_id", "uuid", "guid"),
    "title": ("headline", "title_page", "title_rss"),
    "text": ("maintext", "raw_text", "article_text", "body", "content", "fulltext"),
    "html": ("raw_html", "html_content"),
    "published": (
        "date_publish",
        "publish_date",
        "published_date",
        "published_at",
        "publishedAt",
        "datePublished",
        "pubDate",
        "pub_date",
        "date",
        "time",
        "timestamp",
    ),
    "updated": ("date_modify", "dateModified", "modified", "updated_at", "last_modified"),
    "source": (
        "source_domain",
        "sitename",
        "meta_site_name",
        "site_name",
        "publisher",
        "outlet",
        "hostname",
        "domain",
    ),
    "url": ("link", "canonical_link", "uri", "permalink"),
    "authors": ("author", "byline", "creator"),
    "language": ("lang", "meta_lang", "inLanguage"),
    "description": ("excerpt", "meta_description", "summary", "abstract"),
}
_KNOWN_NAMES: Final = frozenset(FIELD_NAMES) | {
    alias for aliases in FIELD_ALIASES.values() for alias in aliases
}
_URL_VALUE: Final = re.compile(r"^https?://", re.I)
_TEXT_FIELDS: Final = ("title", "source", "url", "language", "description")
_ISO_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_TIME: Final = re.compile(r"\d{1,2}:\d{2}")
_NUMERIC_DATE: Final = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")
_CSV_DELIMITERS: Final = (",", "\t", ";", "|")
_JSON_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_DEPTH_STEP: Final = np.zeros(256, dtype=np.int8)
_DEPTH_STEP[[ord("["), ord("{")]] = 1
_DEPTH_STEP[[ord("]"), ord("}")]] = -1
DEFAULT_JSON_DEPTH: Final = 64


def check_fields(fields: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a field mapping (our name -> their column); raise ``InputError`` if bad."""
    if not fields:
        return {}
    unknown = [name for name in fields if name not in FIELD_NAMES]
    if unknown:
        raise InputError(
            f"unknown field name {unknown[0]!r} in the field mapping; "
            f"map one of: {', '.join(FIELD_NAMES)}"
        )
    for name, column in fields.items():
        if not isinstance(column, str) or not column:
            raise InputError(f"field {name!r} must map to a column name, got {column!r}")
    return dict(fields)


def normalise_date(value: object) -> str | None:
    """An ISO 8601 string for ``value``, ``None`` when empty; ``ValueError`` if unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= 1e11 else value  # milliseconds
        try:
            return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            raise ValueError("a number that is not a Unix timestamp") from None
    if not isinstance(value, str):
        raise ValueError(f"a {type(value).__name__}, not a date string")
    text = value.strip()
    if not text:
        return None
    if _ISO_DAY.fullmatch(text):
        date.fromisoformat(text)  # raises ValueError for 2011-02-30
        return text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return parsed.isoformat() if _HAS_TIME.search(text) else parsed.date().isoformat()
    try:
        return email.utils.parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    result, error = _parse_written_date(text)
    if result is None:
        raise ValueError(error)
    return result


@functools.lru_cache(maxsize=4096)
def _parse_written_date(text: str) -> tuple[str | None, str]:
    numeric = _NUMERIC_DATE.fullmatch(text)
    first, second = (int(numeric.group(1)), int(numeric.group(2))) if numeric else (0, 0)
    if first != second and 0 < first <= 12 and 0 < second <= 12:
        return None, "day and month order is ambiguous"
    parsed = _date_parser().get_date_data(text).date_obj
    if not isinstance(parsed, datetime):
        return None, "not an absolute date with day, month and year"
    return (parsed.isoformat() if _HAS_TIME.search(text) else parsed.date().isoformat()), ""


@functools.cache
def _date_parser() -> Any:
    from dateparser.date import DateDataParser  # slow to import: only when needed

    return DateDataParser(
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PARSERS": ["custom-formats", "absolute-time"],
        }
    )


def _columns(record: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, str]:
    """Our field name -> the column of ``record`` it is read from."""
    columns: dict[str, str] = {}
    for name in FIELD_NAMES:
        if name in fields:
            columns[name] = fields[name]
            continue
        for column in (name, *FIELD_ALIASES.get(name, ())):
            value = record.get(column)
            if value is None or value == "" or value == []:
                continue
            if name == "source" and isinstance(value, str) and _URL_VALUE.match(value):
                columns.setdefault("url", column)  # trafilatura's "source" is the page URL
                continue
            columns[name] = column
            break
    return columns


def ignored_columns(record: Mapping[str, Any], fields: Mapping[str, str]) -> set[str]:
    """Columns of ``record`` that no field reads, by any name or the mapping."""
    mapped = set(fields.values())
    return {
        str(key)
        for key, value in record.items()
        if key not in _KNOWN_NAMES and key not in mapped and value not in (None, "")
    }


def document_from_record(
    record: Mapping[str, Any], *, origin: str, format: str, fields: Mapping[str, str]
) -> Document | Rejection:
    """Turn one JSON object or CSV row into a ``Document``, or say why it is not one."""
    columns = _columns(record, fields)

    def get(name: str) -> Any:
        column = columns.get(name)
        value = None if column is None else record.get(column)
        return safe_text(value) if isinstance(value, str) else value

    values: dict[str, str | None] = {}
    for name in ("text", "html", *_TEXT_FIELDS):
        value = get(name)
        if value is not None and not isinstance(value, str):
            if name in ("text", "html", "title"):
                return Rejection(
                    origin, f"field {name!r} is a {type(value).__name__}, expected a string"
                )
            value = str(value)
        values[name] = safe_text(value) if value is not None else None
    text = normalise_newlines(fix_mojibake(values["text"] or ""))
    html = values["html"] or None
    if not text.strip() and not (html and html.strip()):
        tried = [fields[n] for n in ("text", "html") if n in fields] or [
            c for n in ("text", "html") for c in (n, *FIELD_ALIASES[n])
        ]
        present = ", ".join(sorted(map(str, record))) or "none"
        return Rejection(
            origin,
            f"no article text: none of {', '.join(map(repr, tried))} holds any (fields: "
            f"{present}); name the text column with --field text=COLUMN (or html=COLUMN)",
        )
    warnings: list[str] = []
    dates: dict[str, str | None] = {}
    for name in ("published", "updated"):
        try:
            dates[name] = normalise_date(get(name))
        except ValueError as exc:
            dates[name] = None
            warnings.append(
                f"unreadable {name} date {get(name)!r} ({exc}): kept the article without it"
            )
    labels = _labels(record, fields, warnings)
    raw_id = get("id")
    title = values["title"]
    return Document(
        origin=origin,
        format=format,
        raw=text,
        html=fix_mojibake(html) if html else None,
        id=None if raw_id is None or raw_id == "" else safe_text(str(raw_id)),
        title=normalise_newlines(fix_mojibake(title)).strip() or None if title else None,
        published=dates["published"],
        updated=dates["updated"],
        source=values["source"] or None,
        url=values["url"] or None,
        authors=_authors(get("authors")),
        language=values["language"] or None,
        description=values["description"] or None,
        labels=labels,
    )


def _labels(
    record: Mapping[str, Any], fields: Mapping[str, str], warnings: list[str]
) -> dict[str, str]:
    labels: dict[str, str] = {}
    for name in LABEL_FIELDS:
        value = record.get(fields.get(name, name))
        if value is None or value == "":
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            labels[name] = str(value)
        else:
            warnings.append(f"label {name!r} is a {type(value).__name__}, not a scalar: dropped")
    for name, value in labels.items():
        labels[name] = safe_text(value)
    if warnings:
        labels["warning"] = "; ".join(warnings)
    return labels


def _authors(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(";")
    names = (safe_text(str(item)).strip() for item in items if item is not None)
    return tuple(s for s in names if s)


def json_depth(line: bytes) -> int:
    """How deeply arrays and objects nest in the JSON text ``line`` (strings ignored)."""
    if line.count(b"[") + line.count(b"{") <= 1:
        return line.count(b"[") + line.count(b"{")
    structure = _JSON_STRING.sub(b"", line) if b'"' in line else line
    steps = _DEPTH_STEP[np.frombuffer(structure, dtype=np.uint8)]
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def read_jsonl(
    stream: BinaryIO,
    *,
    origin: str,
    fields: Mapping[str, str],
    max_bytes: int,
    max_depth: int = DEFAULT_JSON_DEPTH,
    notes: ReadNotes | None = None,
) -> Iterator[Document | Rejection]:
    """One ``Document`` per JSON line of ``stream``; bad lines become ``Rejection``s;
    columns no field reads are added to ``notes``."""
    notes = notes if notes is not None else ReadNotes()
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        where = f"{origin}:{number}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line) + _skip_line(stream)
            yield Rejection(where, f"line is {size:,} bytes, over ingest.max_bytes = {max_bytes:,}")
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            decoded = decode_utf8_lenient(line)
        if line.count(b"[") + line.count(b"{") > max_depth:
            depth = json_depth(line)
            if depth > max_depth:
                yield Rejection(
                    where,
                    f"JSON nested {depth:,} levels deep, over ingest.max_json_depth = {max_depth}",
                )
                continue
        try:
            record = json.loads(decoded)
        except json.JSONDecodeError as exc:
            yield Rejection(where, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield Rejection(where, "JSON nested too deeply to read")
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__.replace("dict", "object").replace("list", "array")
            yield Rejection(where, f"a JSON {kind}, not an object: write one object per line")
            continue
        notes.ignore(origin, ignored_columns(record, fields))
        yield document_from_record(record, origin=where, format="jsonl", fields=fields)


def _skip_line(stream: BinaryIO) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(1 << 20)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def read_csv(
    stream: BinaryIO,
    *,
    origin: str,
    fields: Mapping[str, str],
    max_bytes: int,
    delimiter: str | None = None,
    notes: ReadNotes | None = None,
) -> Iterator[Document | Rejection]:
    """One ``Document`` per CSV/TSV record after the header row; columns no field reads
    are added to ``notes``."""
    notes = notes if notes is not None else ReadNotes()
    # The csv module's per-field limit (128 KB by default) is process-wide; articles can be
    # longer, so it is raised to the ingest size limit (never lowered).
    csv.field_size_limit(max(csv.field_size_limit(), min(max_bytes, sys.maxsize)))
    text = _text_stream(stream)
    try:
        yield from _read_csv_rows(
            text, origin=origin, fields=fields, delimiter=delimiter, notes=notes
        )
    finally:
        text.detach()  # leave closing the byte stream to its owner


def _read_csv_rows(
    text: io.TextIOWrapper,
    *,
    origin: str,
    fields: Mapping[str, str],
    delimiter: str | None,
    notes: ReadNotes,
) -> Iterator[Document | Rejection]:
    header_line = text.readline()
    if not header_line.strip():
        yield Rejection(origin, "empty CSV file: no header row")
        return
    if delimiter is None:
        delimiter = max(_CSV_DELIMITERS, key=header_line.count)
    rows = csv.reader(_chain(header_line, text), delimiter=delimiter)
    header = [name.strip().lstrip("\ufeff") for name in next(rows)]
    wanted = [fields[n] for n in ("text", "html") if n in fields] or [
        c for n in ("text", "html") for c in (n, *FIELD_ALIASES[n])
    ]
    if not any(column in header for column in wanted):
        yield Rejection(
            origin,
            f"CSV header has no text column (tried {', '.join(map(repr, wanted))}; columns: "
            f"{', '.join(header)}); name it with --field text=COLUMN",
        )
        return
    notes.ignore(origin, ignored_columns(dict.fromkeys(header, "x"), fields))
    line = rows.line_num
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(f"{origin}:{line + 1}", f"malformed CSV record: {exc}")
            line = rows.line_num
            continue
        start, line = line + 1, rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        record = {
            key: (value if value != "" else None) for key, value in zip(header, row, strict=False)
        }
        yield document_from_record(record, origin=f"{origin}:{start}", format="csv", fields=fields)


def _text_stream(stream: BinaryIO) -> io.TextIOWrapper:
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
    head = bytes(buffered.peek(4)[:4])
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return io.TextIOWrapper(buffered, encoding="utf-16", errors="replace", newline="")
    return io.TextIOWrapper(buffered, encoding="utf-8-sig", errors=CP1252_FALLBACK, newline="")


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest
