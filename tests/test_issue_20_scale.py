"""Issue 20, "Done when": the same input gives the same store in SQLite and in PostgreSQL
fed through a Dask cluster; two ingests at once into one PostgreSQL store store every
article once and leave the clustering state consistent. Both through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED, write_jsonl

psycopg = pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")

STORYLINE = [sys.executable, "-m", "storyline"]


def _cli(db: str, *args: str, check: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    done = subprocess.run(
        [*STORYLINE, "--db", db, *args], capture_output=True, text=True, env=env, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"storyline {' '.join(args)} failed: {done.stderr[-3000:]}")
    return done.stdout


def _view(db: str) -> dict[str, Any]:
    stats = json.loads(_cli(db, "stats", "--json"))
    stories = json.loads(_cli(db, "stories", "--json", "--limit", "0"))
    events = json.loads(_cli(db, "events", "--json", "--limit", "0"))
    # the whole store's timeline (the store holds several stories, so it is asked for by
    # date range) and the largest story's
    timeline = json.loads(_cli(db, "timeline", "--json", "--since", "1900-01-01"))
    largest = max(stories, key=lambda s: (s["article_count"], s["id"]))
    story_timeline = json.loads(_cli(db, "timeline", largest["id"], "--json"))
    return {
        "articles": stats["articles"],
        "duplicates": stats["duplicates"],
        "stories": len(stories),
        "events": len(events),
        "story_rows": stories,
        "event_rows": events,
        "timeline": timeline["entries"],
        "story_timeline": story_timeline["entries"],
    }


@pytest.mark.slow
def test_sqlite_and_postgres_on_dask_give_the_same_store(
    tmp_path: Path, pg_url: str, dask_scheduler: str
) -> None:
    if not (SHARED / "cluster" / "basil").is_dir():
        pytest.skip("../shared/data is not present")
    # the seeds plus a few hundred development articles (read in place, never copied
    # into the repository): BASIL's 150 and the first 60 of ECB+
    ecb = tmp_path / "ecb.jsonl"
    with (SHARED / "cluster" / "ecbplus" / "articles.jsonl").open(encoding="utf-8") as handle:
        ecb.write_text("".join(line for _, line in zip(range(60), handle, strict=False)))
    inputs = [str(SHARED / "seeds"), str(SHARED / "cluster" / "basil" / "articles.jsonl")]
    inputs.append(str(ecb))
    sqlite_db = str(tmp_path / "one.db")
    _cli(sqlite_db, "ingest", *inputs)
    _cli(pg_url, "ingest", "--scheduler", dask_scheduler, *inputs)
    one, shared = _view(sqlite_db), _view(pg_url)
    assert one["articles"] == shared["articles"] == 212
    assert (one["stories"], one["events"]) == (shared["stories"], shared["events"])
    assert one["timeline"] and one["timeline"] == shared["timeline"]
    assert one["story_rows"] == shared["story_rows"]
    assert one["event_rows"] == shared["event_rows"]


def test_two_ingests_at_once_store_every_article_once(tmp_path: Path, pg_url: str) -> None:
    (tmp_path / "in").mkdir()
    records = write_jsonl(tmp_path / "in" / "a.jsonl", 90)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    command = [*STORYLINE, "--db", pg_url, "--set", "ingest.batch_size=20"]
    command += ["--set", "ingest.workers=1", "--set", "enrich.workers=1"]
    runs = [
        subprocess.Popen(
            [*command, "ingest", str(tmp_path / "in")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr[-3000:]
    ids = sorted(str(r["id"]) for r in records)
    with psycopg.connect(pg_url) as conn:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return conn.execute(sql).fetchall()

        assert [r[0] for r in rows("SELECT id FROM articles ORDER BY id")] == ids
        assert rows("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM fingerprints") == [(90, 90)]
        assert rows("SELECT COUNT(*) FROM enrichments") == [(90,)]
        # mentions of each article written once, whichever process enriched it last
        per_article = Counter(r[0] for r in rows("SELECT article_id FROM mentions"))
        expected = Counter(
            {
                r[0]: r[1]
                for r in rows(
                    "SELECT article_id, jsonb_array_length(data->'mentions') - "
                    "(SELECT COUNT(*) FROM jsonb_array_elements(data->'mentions') m "
                    "WHERE COALESCE(m->>'entity', '') = '') FROM enrichments"
                )
                if r[1]
            }
        )
        assert per_article == expected
        # every article placed once; events and stories count exactly their placements
        assert [r[0] for r in rows("SELECT article_id FROM placements ORDER BY 1")] == ids
        assert rows("SELECT COUNT(DISTINCT seq) FROM placements") == [(90,)]
        bad_events = rows(
            "SELECT e.id FROM events e LEFT JOIN placements p ON p.event_id = e.id "
            "GROUP BY e.id, e.articles HAVING COUNT(p.article_id) != e.articles"
        )
        assert bad_events == []
        orphans = rows(
            "SELECT p.article_id FROM placements p LEFT JOIN events e ON e.id = p.event_id "
            "WHERE e.id IS NULL OR e.story_id != p.story_id"
        )
        assert orphans == []
        bad_stories = rows(
            "SELECT s.id FROM stories s LEFT JOIN events e ON e.story_id = s.id "
            "GROUP BY s.id, s.articles, s.events "
            "HAVING COALESCE(SUM(e.articles), 0) != s.articles OR COUNT(e.id) != s.events"
        )
        assert bad_stories == []
        assert rows("SELECT COUNT(*) FROM stories WHERE articles = 0") == [(0,)]
        state = json.loads(bytes(rows("SELECT state FROM cluster_state")[0][0]))
        placed = dict(rows("SELECT article_id, event_id FROM placements"))
    # one clusterer state saw every article once, in the events the store holds
    assert state["article_events"] == placed
    assert len(json.loads(_cli(pg_url, "articles", "--json", "--limit", "0"))) == 90
