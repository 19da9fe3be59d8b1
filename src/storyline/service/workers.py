"""Worker processes that die with their parent, and a per-item watchdog.

``worker_pool`` starts a ``ProcessPoolExecutor`` whose workers ask the kernel to kill
them when the process that started them dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on
Linux; elsewhere a thread polls ``os.getppid()``), so a killed ``storyline ingest`` leaves
no enrichment worker behind. ``watchdog`` bounds the seconds one item may take
(``ingest.item_timeout``): past it, ``ItemTimeout`` is raised in the middle of the work,
the item is recorded as failed and the batch goes on.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Final

from storyline.errors import InputError

_PR_SET_PDEATHSIG: Final = 1


class ItemTimeout(InputError):
    """One item took longer than ``ingest.item_timeout`` seconds."""


def _die_with(parent: int) -> None:
    """Worker initializer: exit as soon as ``parent`` is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            _poll_parent(parent)
    else:
        _poll_parent(parent)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)


def _poll_parent(parent: int) -> None:
    def poll() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=poll, name="storyline-parent-watch", daemon=True).start()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_die_with, initargs=(os.getpid(),))


@contextlib.contextmanager
def watchdog(seconds: float, what: str) -> Iterator[None]:
    """Raise ``ItemTimeout`` inside the block when it runs past ``seconds``.

    Works in a process's main thread (workers, the CLI); elsewhere (a web request's
    thread) and with ``seconds`` 0 it does nothing. Watchdogs do not nest: an inner one
    replaces the outer one's timer until it ends.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise ItemTimeout(f"{what} took over {seconds:g} s (ingest.item_timeout): skipped")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
