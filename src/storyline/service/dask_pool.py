"""Running the pure stages (reading and cleaning, enrichment) on a Dask distributed
cluster: ``--scheduler tcp://HOST:PORT`` (setting ``dask.scheduler``).

Work goes out in bounded batches (a window of a few tasks per worker thread), results
stream back as they complete (``distributed.as_completed``) and are handed to the
coordinator in the order they were sent, which writes them to the store: so the stream
the clusterer sees, and every id and sequence number, is the one a single machine would
give. A task that fails is retried (``dask.retries``), then returned as a
:class:`TaskFailure` with its reason, for the caller to record as rejections. Workers
keep the spaCy model loaded between tasks (``storyline.enrich.nlp.load_nlp`` is cached
per process, and a Dask worker process lives on), so each worker loads it once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from storyline.errors import ClusterError

T = TypeVar("T")  # what the caller keeps with each task (its inputs)
R = TypeVar("R")  # what a task returns


@dataclass(frozen=True)
class TaskFailure:
    """A task that failed on every try, with the reason of its last failure."""

    reason: str


class DaskPool(Generic[T, R]):
    """A client of one Dask scheduler that maps a function over batches, in order."""

    def __init__(self, address: str, *, retries: int = 2, timeout: float = 30.0) -> None:
        try:
            import distributed
        except ImportError:
            raise ClusterError(
                f"--scheduler {address!r} needs Dask: pip install 'storyline[scale]'"
            ) from None
        self.address = address
        self.retries = retries
        _probe(address)
        try:
            client: Any = distributed.Client  # distributed's hints are partial
            self._client: Any = client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"cannot reach the Dask scheduler {address!r}: {exc}; start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`"
            ) from None

    def threads(self) -> int:
        """Worker threads the cluster has now (at least 1)."""
        workers = self._client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    def map_ordered(
        self,
        function: Callable[..., R],
        jobs: Iterable[tuple[T, tuple[Any, ...]]],
        *,
        window: int | None = None,
    ) -> Iterator[tuple[T, R | TaskFailure]]:
        """``function(*args)`` for each ``(kept, args)`` of ``jobs`` on the cluster, at
        most ``window`` at a time; yields ``(kept, result or TaskFailure)`` in the order
        of ``jobs`` as soon as each one and those before it are done."""
        import distributed

        as_completed: Any = distributed.as_completed  # distributed's hints are partial
        limit = window or self.threads() * 2 + 1
        kept: dict[int, T] = {}
        done: dict[int, R | TaskFailure] = {}
        keys: dict[Any, int] = {}
        queue = as_completed(loop=self._client.loop, with_results=False)
        source = iter(jobs)
        submitted = next_out = 0
        exhausted = False

        def submit() -> bool:
            nonlocal submitted
            job = next(source, None)
            if job is None:
                return False
            value, args = job
            future = self._client.submit(
                function,
                *args,
                retries=self.retries,
                pure=False,
                key=f"storyline-{id(self)}-{submitted}",
            )
            kept[submitted] = value
            keys[future.key] = submitted
            queue.add(future)
            submitted += 1
            return True

        while not exhausted and submitted - next_out < limit:
            exhausted = not submit()
        while next_out < submitted:
            future = next(queue)
            index = keys.pop(future.key)
            if future.status == "finished":
                done[index] = future.result()
            else:
                error = future.exception()
                done[index] = TaskFailure(
                    f"failed on the Dask cluster after {self.retries + 1} tries: "
                    f"{type(error).__name__}: {error}"
                )
            future.release()
            while next_out in done:
                yield kept.pop(next_out), done.pop(next_out)
                next_out += 1
                while not exhausted and submitted - next_out < limit:
                    exhausted = not submit()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> DaskPool[T, R]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _probe(address: str) -> None:
    """Fail at once, with the address, when nothing listens there (the client itself
    would keep retrying until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        return  # another transport (tls://, ucx://, inproc://): leave it to distributed
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=5):
            pass
    except OSError as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler {address!r}: {exc}; start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS`"
        ) from None
