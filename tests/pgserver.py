"""A throwaway PostgreSQL server for the tests: Debian's binaries, ``initdb`` and
``pg_ctl`` in a temporary folder, listening on a Unix socket only (no TCP port).

As root (CI), the server runs as the ``postgres`` user (``initdb`` refuses root), in a
folder handed over to it; otherwise as the current user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

SUPERUSER = "storyline"


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: Debian's newest, or ``PATH``'s."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _version(folder: str) -> int:
    name = Path(folder).parent.name
    return int(name) if name.isdigit() else 0


class PostgresServer:
    """A running throwaway cluster; :meth:`create_database` gives a fresh database URL."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self._as_root = os.geteuid() == 0
        # as root the server user must reach the folder: /tmp rather than a private TMPDIR
        where = "/tmp" if self._as_root and Path("/tmp").is_dir() else None
        self.root = Path(tempfile.mkdtemp(prefix="storyline-pg-", dir=where))
        self.data = self.root / "data"
        self.socket_dir = self.root
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = f"-k {self.socket_dir} -c listen_addresses='' -c max_connections=60"
        if not durable:  # a test cluster: nothing needs to survive a power cut
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{tool} failed ({done.returncode}): {done.stderr.strip()} {done.stdout.strip()}"
                f"\n{tail}"
            )

    def url(self, dbname: str) -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.socket_dir}"

    def create_database(self, prefix: str = "t") -> str:
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class DaskCluster:
    """A real Dask cluster of subprocesses: ``dask scheduler`` on a free local port and
    ``workers`` × ``dask worker --nworkers 1 --nthreads 1``, as a user would start them."""

    def __init__(self, workers: int = 2) -> None:
        import socket
        import sys

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        dask = str(Path(sys.executable).parent / "dask")
        self.logs = Path(tempfile.mkdtemp(prefix="storyline-dask-"))
        self._processes: list[subprocess.Popen[bytes]] = []
        self._start(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]
        )
        for i in range(workers):
            where = ["--name", f"w{i}", "--local-directory", str(self.logs / f"w{i}")]
            self._start(
                [dask, "worker", self.address, "--nworkers", "1", "--nthreads", "1", *where]
            )
        from distributed import Client

        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)

    def _start(self, command: list[str]) -> None:
        with open(self.logs / f"{len(self._processes)}.log", "wb") as log:  # the child keeps it
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=self._env()
            )
        self._processes.append(process)

    @staticmethod
    def _env() -> dict[str, str]:
        """The environment of the workers: the tests' own helpers importable (tasks
        defined in a test module travel by name)."""
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        return env

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.logs, ignore_errors=True)
