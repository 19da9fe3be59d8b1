"""Walking folders and opening files safely: what a folder from an untrusted source may hold.

* File names that are not valid UTF-8 (``b"caf\\xe9.txt"``) are read through
  ``surrogateescape`` like every path, and shown (origins, the store, the web UI) with
  the undecodable bytes written as ``\\xNN`` (``display_path``).
* Named pipes, sockets and devices are never opened (opening a FIFO blocks until a
  writer comes): they are rejected with what they are.
* Symbolic links inside a folder are followed only when their target stays inside that
  folder, unless the user asks (``--follow-links``); a loop of links ends with a
  rejection, each real folder is visited once.
* Gzip streams are read through ``CappedStream``: at most ``ingest.max_decompressed_bytes``
  come out, and a stream expanding more than ``ingest.max_gzip_ratio`` times its
  compressed size (past the first megabytes) is stopped as a gzip bomb.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final

from storyline.errors import InputError
from storyline.models import Rejection

_RATIO_AFTER: Final = 8 << 20  # bytes out before the expansion ratio is judged


class DecompressedSizeError(InputError):
    """A compressed input expands past a bound (size or ratio)."""


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as a printable, storable string (undecodable bytes as ``\\xNN``)."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def safe_text(value: str) -> str:
    """``value`` with lone surrogates (from ``\\ud800`` escapes, odd file names) replaced by
    U+FFFD, so it can be encoded as UTF-8 anywhere (store, pages, exports)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", errors="surrogatepass").decode("utf-8", errors="replace")
    return value


def file_kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read, or ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, what in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return f"not a regular file: {what}; skipped"
    return "not a regular file; skipped"


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def walk(folder: Path, *, follow_links: bool = False) -> Iterator[Path | Rejection]:
    """Files under ``folder``, recursively in name order; links that leave it are rejected
    unless ``follow_links``; each real folder visited once (so loops end)."""
    root = os.path.realpath(folder)
    yield from _walk(folder, root, follow_links, set())


def _walk(
    folder: Path, root: str, follow_links: bool, seen: set[tuple[int, int]]
) -> Iterator[Path | Rejection]:
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            return
        seen.add((info.st_dev, info.st_ino))
        entries = sorted(
            (e for e in os.scandir(folder) if not e.name.startswith(".")), key=lambda e: e.name
        )
    except OSError as exc:
        yield Rejection(display_path(folder), f"cannot read folder: {error_text(exc)}")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if not follow_links and not _inside(target, root):
                yield Rejection(
                    display_path(path),
                    f"symbolic link to {display_path(target)!r}, outside the folder "
                    f"{display_path(root)!r}: not followed (pass --follow-links to follow it)",
                )
                continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, root, follow_links, seen)
        else:
            yield path


def error_text(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class CappedStream(io.RawIOBase):
    """A decompressing stream that stops at a size and at an expansion ratio.

    ``compressed`` is the underlying file, whose position tells how many compressed bytes
    were consumed so far.
    """

    def __init__(
        self, inner: BinaryIO, compressed: BinaryIO, *, max_bytes: int, max_ratio: float
    ) -> None:
        super().__init__()
        self._inner = inner
        self._compressed = compressed
        self._max_bytes = max_bytes
        self._max_ratio = max_ratio
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._out += n
        if self._out > self._max_bytes:
            raise DecompressedSizeError(
                f"decompressed data over ingest.max_decompressed_bytes = {self._max_bytes:,} "
                "(a gzip bomb?); the rest was skipped"
            )
        if self._out > _RATIO_AFTER:
            try:
                consumed = max(1, self._compressed.tell())
            except (OSError, ValueError):
                consumed = 0
            if consumed and self._out / consumed > self._max_ratio:
                raise DecompressedSizeError(
                    f"gzip data expands over {self._max_ratio:g} times its size "
                    f"({self._out:,} bytes from {consumed:,}; ingest.max_gzip_ratio): "
                    "a gzip bomb; the rest was skipped"
                )
        return n


def capped(inner: BinaryIO, compressed: BinaryIO, *, max_bytes: int, max_ratio: float) -> BinaryIO:
    """``inner`` (a decompressing stream) behind the size and ratio bounds, buffered."""
    raw = CappedStream(inner, compressed, max_bytes=max_bytes, max_ratio=max_ratio)
    return io.BufferedReader(raw, buffer_size=1 << 16)
