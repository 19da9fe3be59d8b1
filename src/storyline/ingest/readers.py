"""Input readers: turn files, folders, standard input and URLs into ``Document``s.

``read_inputs`` is the one entry point. For each path it yields a ``Document`` per
article-to-be and a ``Rejection`` per bad item, and goes on with the batch; it raises
only for an unusable call (an unknown ``format`` name, a bad field mapping).

The reader is chosen by ``format`` when given, else by extension, else by sniffing the
first bytes (``sniff_format``). Folders are read recursively in name order; hidden
entries (names starting with ".") are skipped, like version-control folders; every other
file is tried and a file no reader accepts is rejected with what it looks like. Symbolic
links are followed only inside the folder given unless ``follow_links``; named pipes and
devices are skipped with a reason; each folder is visited once, so loops end (see
``storyline.ingest.files``).

Whole-file formats (text, HTML, feeds) over ``ingest.max_bytes`` are rejected before
being read; JSONL, CSV and WARC stream, so the limit applies to each record instead.
Gzipped files (``.html.gz``, ``.jsonl.gz``, ``.warc.gz``, ...) are read through.
Origins: the path, ``path:LINE`` (JSONL/CSV), ``path#N <uri>`` (WARC record, feed item),
the URL for fetched pages and ``<stdin>`` for standard input.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from storyline.errors import FetchError, InputError, UnsupportedFormatError
from storyline.ingest.decode import declared_html_charset, decode_bytes, sniff_binary
from storyline.ingest.feeds import read_feed
from storyline.ingest.files import capped, display_path, error_text, file_kind_problem, walk
from storyline.ingest.notes import ReadNotes
from storyline.ingest.tabular import check_fields, read_csv, read_jsonl
from storyline.ingest.warc import read_warc
from storyline.models import Document, Rejection
from storyline.settings import Settings

FORMATS: Final = ("text", "html", "rss", "jsonl", "csv", "warc")
STDIN_ORIGIN: Final = "<stdin>"
_EXTENSIONS: Final = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "rss",
    ".atom": "rss",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
}
_STREAMING: Final = frozenset({"jsonl", "csv", "warc"})
_HEAD: Final = 65536
_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_FEED_ROOT: Final = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]")
_HTML_TAG: Final = re.compile(rb"<(?:html|head|body|div|p|article|meta|title|br)[\s>/]")
_READ_ERRORS: Final = (OSError, EOFError, zlib.error)


@dataclass(frozen=True)
class _Options:
    settings: Settings
    format: str | None
    fields: Mapping[str, str]
    fetch: bool
    notes: ReadNotes
    follow_links: bool = False

    @property
    def max_bytes(self) -> int:
        return int(self.settings["ingest.max_bytes"])

    def gunzipped(self, stream: BinaryIO, compressed: BinaryIO) -> BinaryIO:
        return capped(
            stream,
            compressed,
            max_bytes=int(self.settings["ingest.max_decompressed_bytes"]),
            max_ratio=float(self.settings["ingest.max_gzip_ratio"]),
        )


def read_inputs(
    paths: Sequence[str],
    *,
    settings: Settings,
    format: str | None = None,
    fields: Mapping[str, str] | None = None,
    fetch: bool = False,
    stdin: BinaryIO | None = None,
    follow_links: bool = False,
    notes: ReadNotes | None = None,
) -> Iterator[Document | Rejection]:
    """Read every input in ``paths`` (files, folders, URLs with ``fetch``, ``-`` = stdin).

    ``follow_links`` follows symbolic links inside folders wherever they point (off: only
    links to files and folders inside the folder given are followed). What is passed over
    without a rejection (record fields no field reads, WARC records that are not HTML
    pages) is gathered in ``notes`` for the run's report.

    Raises ``UnsupportedFormatError`` for an unknown ``format``, ``InputError`` for a
    bad ``fields`` mapping or a path that does not exist (a mistyped argument, not
    data), before reading anything; every other problem is a ``Rejection`` in the output.
    """
    if format is not None and format not in FORMATS:
        raise UnsupportedFormatError(
            f"unknown input format {format!r}; choose one of: {', '.join(FORMATS)}"
        )
    options = _Options(
        settings,
        format,
        check_fields(fields),
        fetch,
        notes if notes is not None else ReadNotes(),
        follow_links,
    )
    missing = missing_paths(paths)
    if missing:
        listed = ", ".join(repr(p) for p in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(f"no such file or folder: {listed}; nothing was read")
    return _read_all(paths, options, stdin)


def missing_paths(paths: Sequence[str]) -> list[str]:
    """The paths of ``paths`` (not ``-``, not URLs) that name no file or folder."""
    return [
        path
        for path in paths
        if path != "-" and not _URL.match(path) and not os.path.lexists(Path(path).expanduser())
    ]


def _read_all(
    paths: Sequence[str], options: _Options, stdin: BinaryIO | None
) -> Iterator[Document | Rejection]:
    for path in paths:
        if path == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, options)
        elif _URL.match(path):
            yield from _read_url(path, options)
        else:
            yield from _read_path(Path(path), options)


def sniff_format(head: bytes) -> str | None:
    """The reader for data starting with ``head``, or ``None`` when none fits."""
    if head.startswith(b"WARC/"):
        return "warc"
    if sniff_binary(head) is not None:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<"):
        if _FEED_ROOT.search(start):
            return "rss"
        if start.startswith(b"<!doctype html") or _HTML_TAG.search(start):
            return "html"
        return None
    if start.startswith(b"{"):
        return "jsonl"
    return "text"


def _describe(head: bytes) -> str:
    binary = sniff_binary(head)
    if binary is not None:
        return f"unsupported file type: binary data ({binary})"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "unsupported file type: XML or markup that is neither an RSS/Atom feed nor HTML"
    return "unsupported file type"


# --- files and folders -----------------------------------------------------------------


def _read_path(path: Path, options: _Options) -> Iterator[Document | Rejection]:
    origin = display_path(path)
    try:
        is_dir = path.is_dir()
        exists = path.exists()
    except OSError as exc:  # a name too long, a loop of links
        yield Rejection(origin, f"cannot read: {_error_text(exc)}")
        return
    if is_dir:
        for item in walk(path, follow_links=options.follow_links):
            if isinstance(item, Rejection):
                yield item
            else:
                yield from _read_file(item, options)
    elif exists:
        yield from _read_file(path, options)
    elif os.path.lexists(path):
        yield Rejection(origin, "broken symbolic link: its target does not exist")
    else:
        yield Rejection(origin, "no such file or folder")


def _read_file(path: Path, options: _Options) -> Iterator[Document | Rejection]:
    origin = display_path(path)
    try:
        info = path.stat()
        problem = file_kind_problem(info.st_mode)
        if problem is not None:
            yield Rejection(origin, problem)
            return
        with path.open("rb") as handle:
            yield from _read_open_file(path, handle, info.st_size, options)
    except _READ_ERRORS as exc:
        yield Rejection(origin, f"cannot read file: {_error_text(exc)}")
    except InputError as exc:  # a decompression bound
        yield Rejection(origin, str(exc))
    except Exception as exc:  # a reader's bug on one file must not end the batch
        yield Rejection(
            origin, f"cannot read file: {_error_text(exc)}; the rest of this file was skipped"
        )


def _read_open_file(
    path: Path, handle: BinaryIO, size: int, options: _Options
) -> Iterator[Document | Rejection]:
    origin = display_path(path)
    if size == 0:
        yield Rejection(origin, "empty file (0 bytes)")
        return
    name = path.name.lower()
    gzipped = name.endswith(".gz")
    inner = name[:-3] if gzipped else name
    kind = options.format or _EXTENSIONS.get(Path(inner).suffix)
    head = handle.read(_HEAD)
    handle.seek(0)
    if kind == "warc" or (kind is None and head.startswith(b"WARC/")):
        yield from read_warc(
            handle, origin=origin, max_bytes=options.max_bytes, notes=options.notes
        )
        return
    stream: BinaryIO = handle
    if head.startswith(b"\x1f\x8b"):
        unpacked = gzip.GzipFile(fileobj=handle, mode="rb")
        head = unpacked.read(_HEAD)
        unpacked.seek(0)
        if kind is None and head.startswith(b"WARC/"):
            yield from read_warc(
                handle, origin=origin, max_bytes=options.max_bytes, notes=options.notes
            )
            return
        stream = options.gunzipped(unpacked, handle)  # type: ignore[arg-type]
    elif gzipped and options.format is None:
        yield Rejection(origin, "named .gz but not gzip-compressed data")
        return
    if kind is None:
        kind = sniff_format(head)
        if inner.endswith(".json") and kind == "text":
            kind = "jsonl"  # a JSON array or scalar: rejected just below
        if kind == "jsonl" and not _looks_like_jsonl(head):
            yield Rejection(origin, "JSON that is not one object per line (JSON Lines)")
            return
    if kind is None:
        yield Rejection(origin, _describe(head))
        return
    if kind in _STREAMING:
        yield from _read_stream(kind, stream, origin, options, tsv=inner.endswith(".tsv"))
        return
    if not gzipped and size > options.max_bytes:
        yield Rejection(origin, _size_reason(size, options.max_bytes))
        return
    data = _read_limited(stream, options.max_bytes)
    if data is None:
        yield Rejection(origin, _size_reason(None, options.max_bytes))
        return
    yield from _read_whole(kind, data, origin, options)


def _looks_like_jsonl(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].strip()
    return first.startswith(b"{") and first.endswith(b"}")


def _read_stream(
    kind: str, stream: BinaryIO, origin: str, options: _Options, *, tsv: bool = False
) -> Iterator[Document | Rejection]:
    if kind == "jsonl":
        items = read_jsonl(
            stream,
            origin=origin,
            fields=options.fields,
            max_bytes=options.max_bytes,
            max_depth=int(options.settings["ingest.max_json_depth"]),
            notes=options.notes,
        )
    elif kind == "csv":
        delimiter = "\t" if tsv else None
        items = read_csv(
            stream,
            origin=origin,
            fields=options.fields,
            max_bytes=options.max_bytes,
            delimiter=delimiter,
            notes=options.notes,
        )
    else:
        items = read_warc(stream, origin=origin, max_bytes=options.max_bytes, notes=options.notes)
    count = 0
    try:
        for item in items:
            count += 1
            yield item
    except _READ_ERRORS as exc:
        yield Rejection(origin, f"stopped reading: {_error_text(exc)}; the rest was skipped")
        return
    except InputError as exc:  # a decompression bound
        yield Rejection(origin, str(exc))
        return
    if count == 0:
        yield Rejection(
            origin, f"no {kind.upper()} records found: nothing but blank lines or a header"
        )


def _read_whole(
    kind: str,
    data: bytes,
    origin: str,
    options: _Options,
    *,
    content_type: str | None = None,
    url: str | None = None,
) -> Iterator[Document | Rejection]:
    if kind in _STREAMING:
        yield from _read_stream(kind, io.BytesIO(data), origin, options)
        return
    if kind == "rss":
        binary = sniff_binary(data)
        if binary is not None:
            yield Rejection(origin, f"binary data ({binary}), not a feed")
        else:
            yield from read_feed(
                data,
                origin=origin,
                content_type=content_type,
                max_items=int(options.settings["ingest.max_feed_items"]),
            )
        return
    declared = declared_html_charset(data) if kind == "html" else None
    try:
        text = decode_bytes(data, origin=origin, declared=declared)
    except InputError as exc:
        yield Rejection(origin, str(exc).removeprefix(f"{origin}: "))
        return
    if not text.strip():
        yield Rejection(origin, "no text: the file holds only whitespace")
    elif kind == "html":
        yield Document(origin=origin, format="html", html=text, url=url)
    else:
        yield Document(origin=origin, format="text", raw=text, url=url)


def _read_limited(stream: BinaryIO, max_bytes: int) -> bytes | None:
    data = stream.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def _size_reason(size: int | None, max_bytes: int) -> str:
    what = f"{size:,} bytes" if size is not None else "larger than that"
    return f"too large: {what}, over ingest.max_bytes = {max_bytes:,}; raise the setting to read it"


_error_text = error_text


# --- standard input and URLs -------------------------------------------------------------


def _read_stdin(stream: BinaryIO, options: _Options) -> Iterator[Document | Rejection]:
    try:
        data = _read_limited(stream, options.max_bytes)
    except OSError as exc:
        yield Rejection(STDIN_ORIGIN, f"cannot read standard input: {_error_text(exc)}")
        return
    if data is None:
        yield Rejection(STDIN_ORIGIN, _size_reason(None, options.max_bytes))
        return
    yield from _read_bytes(data, STDIN_ORIGIN, options)


def _read_bytes(
    data: bytes,
    origin: str,
    options: _Options,
    *,
    kind: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Iterator[Document | Rejection]:
    """Read one in-memory input (standard input, a fetched body)."""
    if not data:
        yield Rejection(origin, "empty input (0 bytes)")
        return
    kind = options.format or kind
    if data.startswith(b"\x1f\x8b") and kind != "warc":
        try:
            unpacked = _gunzip(data, options.max_bytes)
        except _READ_ERRORS as exc:
            yield Rejection(origin, f"corrupt gzip data: {_error_text(exc)}")
            return
        if unpacked is None:
            yield Rejection(origin, _size_reason(None, options.max_bytes))
            return
        data = unpacked
    if kind is None and data.startswith(b"\x1f\x8b"):
        kind = "warc"  # gzipped WARC: warcio reads the members itself
    kind = kind or sniff_format(data[:_HEAD])
    if kind is None:
        yield Rejection(origin, _describe(data[:_HEAD]))
        return
    try:
        yield from _read_whole(kind, data, origin, options, content_type=content_type, url=url)
    except Exception as exc:  # a reader's bug on one input must not end the batch
        yield Rejection(origin, f"cannot read: {_error_text(exc)}; the rest was skipped")


def _gunzip(data: bytes, max_bytes: int) -> bytes | None:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        head = stream.read(_HEAD)
        if head.startswith(b"WARC/"):
            return data  # warcio reads gzipped WARC members itself
        rest = stream.read(max_bytes + 1 - len(head))
    result = head + rest
    return None if len(result) > max_bytes else result


def _kind_from_content_type(content_type: str) -> str | None:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return "html"
    if kind in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return "rss"
    if kind in ("application/warc", "application/x-warc"):
        return "warc"
    return None  # text/plain, text/xml, application/xml, ...: sniff the body


def _read_url(url: str, options: _Options) -> Iterator[Document | Rejection]:
    if not options.fetch:
        yield Rejection(url, "is a URL; pass --fetch to fetch it")
        return
    from storyline.ingest import fetch  # the network module loads only when used

    try:
        page = fetch.fetch_url(url, settings=options.settings)
    except FetchError as exc:
        yield Rejection(url, str(exc))
        return
    if page.status >= 400:
        yield Rejection(url, f"HTTP status {page.status}: the server sent an error page")
        return
    yield from _read_bytes(
        page.body,
        url,
        options,
        kind=_kind_from_content_type(page.content_type),
        content_type=page.content_type,
        url=page.final_url,
    )
