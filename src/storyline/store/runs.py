"""Runs (one per ingest or enrich command) and the rejections they record: the same
statements on both stores (see ``store.portable``). Text is made storable first: a file
name that is not valid UTF-8 reaches here with lone surrogates, which neither store's
encoder accepts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from storyline.ingest.files import safe_text
from storyline.models import IngestReport, Rejection
from storyline.store.portable import ConnectionLender, run_many, run_sql


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RunMethods(ConnectionLender):
    """The run and rejection methods of the ``Store`` protocol."""

    def start_run(self, command: str) -> int:
        with self._writing() as conn:
            row = run_sql(
                conn,
                "INSERT INTO runs(command, started_at) VALUES (?, ?) RETURNING id",
                (safe_text(command), _now()),
            ).fetchone()
        return int(row[0])

    def finish_run(self, run_id: int, report: IngestReport) -> None:
        with self._writing() as conn:
            run_sql(
                conn,
                "UPDATE runs SET finished_at = ?, added = ?, unchanged = ?, duplicates = ?, "
                "rejected = ?, seconds = ? WHERE id = ?",
                (
                    _now(),
                    report.added,
                    report.unchanged,
                    report.duplicates,
                    len(report.rejected),
                    report.seconds,
                    run_id,
                ),
            )

    def add_rejections(self, run_id: int, rejections: Sequence[Rejection]) -> None:
        if not rejections:
            return
        with self._writing() as conn:
            run_many(
                conn,
                "INSERT INTO rejections(run_id, origin, reason) VALUES (?, ?, ?)",
                [(run_id, safe_text(r.origin), safe_text(r.reason)) for r in rejections],
            )

    def rejections(self, run_id: int | None = None) -> Sequence[Rejection]:
        with self._reading() as conn:
            if run_id is None:
                rows = run_sql(conn, "SELECT origin, reason FROM rejections ORDER BY id")
            else:
                rows = run_sql(
                    conn,
                    "SELECT origin, reason FROM rejections WHERE run_id = ? ORDER BY id",
                    (run_id,),
                )
            return [Rejection(row[0], row[1]) for row in rows]
