from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgserver import DaskCluster, PostgresServer, find_bindir

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

_WORDS = (
    "minister talks city council budget vote river bridge storm election court ruling "
    "police strike hospital school market price oil bank rebels army summit treaty aid "
    "refugees border harbour festival museum trial judge senator governor mayor factory"
).split()


def synthetic_article(rng: random.Random, words: int = 120) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        n = rng.randint(8, 16)
        sentence = " ".join(rng.choice(_WORDS) for _ in range(n))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED


def write_jsonl(path: Path, count: int, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    for i in range(count):
        records.append(
            {
                "id": f"doc-{i:05d}",
                "title": f"Synthetic report {i}",
                "text": synthetic_article(rng),
                "published": f"2020-01-{1 + i % 28:02d}",
                "source": ["Wire A", "Paper B", "Site C"][i % 3],
                "url": None,
                "event": f"e{i % 10}",
                "story": None,
            }
        )
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return records


def quality_floors(name: str) -> dict[str, float]:
    """The pinned quality floors of one benchmark (tests/quality_floors.json)."""
    floors = json.loads((Path(__file__).parent / "quality_floors.json").read_text())
    return {key: float(value) for key, value in floors[name].items()}


def assert_floors(name: str, result: dict[str, object]) -> None:
    for key, floor in quality_floors(name).items():
        value = result[key]
        assert isinstance(value, float | int)
        assert value >= floor, f"{name}: {key} {value:.4f} fell below its floor {floor}"


# --- issue 20: a real PostgreSQL server (tests/pgserver.py) -------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the session (skipped, with the reason, only
    when the server binaries are absent; under CI their absence is a failure)."""
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs Debian's postgresql package")
        pytest.skip(message + " (apt-get install postgresql)")
    server = PostgresServer(bindir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of a new, empty database on the session's server."""
    return pg_server.create_database()


@pytest.fixture(scope="session")
def dask_scheduler() -> Iterator[str]:
    """The address of a running Dask scheduler with two single-threaded worker processes
    (``dask scheduler`` and ``dask worker`` subprocesses) for the session."""
    pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is absent")
    cluster = DaskCluster(workers=2)
    try:
        yield cluster.address
    finally:
        cluster.stop()
