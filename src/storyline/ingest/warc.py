"""WARC and WARC.gz archives (e.g. CC-NEWS): one ``Document`` per HTML response record.

Records that are not articles by the archive's normal structure (``warcinfo``,
``request``, ``metadata``, ``revisit``) are passed over; responses that are not HTML
(``text/plain``, images, ...) and 1xx/3xx responses are skipped and counted in ``notes``
(file, reason) for the ingest report; a file with records but none an HTML response is
rejected as a whole, so it never passes unnoticed. HTML responses with HTTP status >= 400,
records cut short (``WARC-Truncated`` or fewer bytes than their ``Content-Length``) and records over
``ingest.max_bytes`` are rejected one by one. A corrupt archive (bad gzip member, broken
record header) rejects the rest of the file with the reason; records already read stay.

The body is decoded with the HTTP ``Content-Type`` charset, then the page's ``<meta>``
charset, then detection (``decode_bytes``). The ``WARC-Date`` is when the page was
crawled, not when it was published, so it is never used as ``published``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO, Final

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.errors import InputError
from storyline.ingest.decode import (
    charset_from_content_type,
    declared_html_charset,
    decode_bytes,
)
from storyline.ingest.notes import ReadNotes
from storyline.models import Document, Rejection

_HTML_TYPES: Final = ("text/html", "application/xhtml+xml")
# What warcio raises on damaged input: its own error, zlib/gzip errors, and (for some
# broken uncompressed headers) AttributeError/ValueError from its header parser.
_ARCHIVE_ERRORS: Final = (
    ArchiveLoadFailed,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    AttributeError,
)


def read_warc(
    stream: BinaryIO, *, origin: str, max_bytes: int, notes: ReadNotes | None = None
) -> Iterator[Document | Rejection]:
    """Yield a ``Document`` per HTML response in the (possibly gzipped) WARC ``stream``;
    responses skipped as not articles are counted in ``notes``."""
    notes = notes if notes is not None else ReadNotes()
    number = produced = 0
    archive = ArchiveIterator(stream, arc2warc=True)
    records = iter(archive)
    while True:
        try:
            record = next(records)
            if not record.rec_type:  # warcio's reading of bytes that hold no record
                continue
            number += 1
            result = _read_record(record, origin=f"{origin}#{number}", max_bytes=max_bytes)
            if isinstance(result, str):
                notes.skip(origin, result)
                result = None
        except StopIteration:
            if number == 0:
                yield Rejection(origin, "no WARC records found: empty or not a WARC file")
            elif _unread_data(stream, archive.offset):
                yield Rejection(
                    f"{origin}#{number + 1}",
                    f"corrupt WARC archive after {number} record(s): a cut-off or unreadable "
                    "record at the end; the rest of this file was skipped",
                )
            elif produced == 0:
                yield Rejection(
                    origin,
                    f"no article in this WARC file: none of its {number} record(s) is an "
                    "HTML response",
                )
            return
        except _ARCHIVE_ERRORS as exc:
            where = f"{origin}#{number + 1}" if number else origin
            yield Rejection(
                where,
                f"corrupt WARC archive after {number} record(s): {_describe(exc)}; "
                "the rest of this file was skipped",
            )
            return
        if result is not None:
            produced += 1
            yield result


def _unread_data(stream: BinaryIO, offset: int) -> bool:
    """True when non-blank bytes follow ``offset``, where warcio stopped reading.

    warcio ends quietly when an uncompressed archive is cut inside a record header.
    """
    try:
        if not stream.seekable():
            return False
        stream.seek(offset)
        return bool(stream.read(4096).strip())
    except (OSError, ValueError):
        return False


def _read_record(record: Any, *, origin: str, max_bytes: int) -> Document | Rejection | str | None:
    """The record's document or rejection; ``None`` for a record that is no response; a
    string (the reason) for a response skipped as not an article."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = f"{origin} {uri}".rstrip()
    content_type = record.http_headers.get_header("Content-Type") or ""
    kind = content_type.split(";")[0].strip().lower()
    if kind and kind not in _HTML_TYPES:
        return f"WARC response that is not HTML ({kind})"
    status = _status(record)
    if status is not None and (status < 200 or 300 <= status < 400):
        return f"WARC response with HTTP status {status} (not a page)"
    body = record.content_stream().read(max_bytes + 1)
    if not kind and not body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "WARC response without a Content-Type that does not look like HTML"
    if status is None or status >= 400:
        code = record.http_headers.statusline or "no status line"
        return Rejection(where, f"HTTP error response ({code}), not an article")
    if len(body) > max_bytes:
        return Rejection(where, f"record body is over ingest.max_bytes = {max_bytes:,} bytes")
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:
        return Rejection(where, f"record truncated by the crawler (WARC-Truncated: {truncated})")
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        return Rejection(
            where, f"record cut short: {missing:,} bytes of its Content-Length missing"
        )
    declared = charset_from_content_type(content_type) or declared_html_charset(body)
    try:
        page = decode_bytes(body, origin=where, declared=declared)
    except InputError as exc:
        return Rejection(where, str(exc).removeprefix(f"{where}: "))
    return Document(origin=where, format="warc", html=page, url=uri or None)


def _status(record: Any) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    if len(text) > 80:
        text = text[:80] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
