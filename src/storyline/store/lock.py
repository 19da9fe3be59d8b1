"""The store's writer lock: one ingest, enrichment or clustering pass at a time.

Every writing pass (``Store.exclusive(purpose)``) holds an exclusive ``flock`` on a lock
file beside the database (``storyline.db.lock``), so two ``storyline ingest`` runs, or an
upload through ``POST /api/ingest`` and a CLI run, never start from the same clusterer
state and overwrite each other's placements. A writer that finds the lock taken says
whom it waits for (``waiting for ingest by pid 4242``) and waits; the kernel drops the
lock when its holder dies, even by SIGKILL. Readers never take it. The lock is
re-entrant within one store object (``recluster`` holds it around ``cluster``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
from collections.abc import Callable, Iterator

Notice = Callable[[str], None]


def print_notice(line: str) -> None:
    """The default notice: one line on standard error."""
    sys.stderr.write(f"storyline: {line}\n")
    sys.stderr.flush()


class WriterLock:
    """An exclusive, re-entrant lock on ``path`` (a file created when missing); with
    ``path`` None (an in-memory store), a lock within this process only."""

    def __init__(self, path: str | None, notice: Notice = print_notice) -> None:
        self.path = path
        self.notice = notice
        self._local = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextlib.contextmanager
    def hold(self, purpose: str) -> Iterator[None]:
        with self._local:
            if self._depth == 0 and self.path is not None:
                self._fd = self._acquire(purpose)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fd, self._fd = self._fd, None
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, 0)
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)

    def _acquire(self, purpose: str) -> int:
        assert self.path is not None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.notice(f"waiting for {self._holder(fd)} to finish")
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {purpose}".encode("utf-8", "replace"), 0)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            pid, _, purpose = os.pread(fd, 512, 0).decode("utf-8", "replace").partition(" ")
        except OSError:
            pid, purpose = "", ""
        if pid.strip().isdigit():
            return f"{purpose.strip() or 'a writer'} by pid {pid.strip()}"
        return "another writer"
