"""Issue 17, "the first hour": what a new user meets in the CLI, each point pinned.

One small store (three synthetic articles, one without an outlet, two stories) is built
once for the module with the real pipeline and reused; narrow-terminal rendering is
tested with a fixed width (``COLUMNS=80``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner, Result

from storyline import service
from storyline.cli import app, progress
from storyline.display import UNKNOWN_SOURCE, display_date, id_key
from storyline.errors import InputError
from storyline.settings import SETTINGS, load_settings
from storyline.store.clusters import ClusterRow
from storyline.store.sqlite import SQLiteStore

runner = CliRunner()
SRC = Path(__file__).resolve().parents[1] / "src" / "storyline"

FLOOD = (
    "Heavy rain flooded the river town of Millbrook on Monday, and the mayor, Anna Kent, "
    "said 120 families were evacuated. Emergency crews from the county rescued residents "
    "stranded on rooftops. The flood is the worst since March 2009, officials said."
)
FLOOD_2 = (
    "Millbrook began cleaning up on Tuesday, a day after 120 families were evacuated from "
    "their homes, mayor Anna Kent said. The river fell overnight, and county crews cleared "
    "roads. Kent said the town would ask the state for emergency aid."
)
ELECTION = (
    "Voters in the coastal city of Harlow elected a new council on Sunday. Turnout reached "
    "64 percent, the election office said, and the Green party won 11 of 30 seats. The new "
    "council meets for the first time on July 3."
)


def _env(db: Path, **more: str) -> dict[str, str]:
    return {
        "STORYLINE_DB": str(db),
        "STORYLINE_INGEST_WORKERS": "1",
        "STORYLINE_ENRICH_WORKERS": "1",
        **more,
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with three articles (one of unknown outlet, one with a time of day)."""
    folder = tmp_path_factory.mktemp("first-hour")
    records = [
        {
            "id": "f1",
            "title": "Flood hits Millbrook",
            "text": FLOOD,
            "published": "2021-06-07T10:00:00+00:00",
            "source": "Valley News",
        },
        {"id": "f2", "title": "Millbrook cleans up", "text": FLOOD_2, "published": "2021-06-08"},
        {
            "id": "e1",
            "title": "Harlow elects council",
            "text": ELECTION,
            "published": "2021-06-06",
            "source": "Coast Times",
        },
    ]
    path = folder / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = folder / "s.db"
    result = runner.invoke(app, ["ingest", str(path)], env=_env(db))
    assert result.exit_code == 0, result.output
    assert f"created a new store {db}" in result.stderr
    yield db


def _run(db: Path, *args: str, columns: int = 80) -> Result:
    return runner.invoke(app, list(args), env=_env(db, COLUMNS=str(columns)))


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert re.fullmatch(r"storyline \d+\.\d+\.\d+\n", result.stdout)


def _commands() -> set[str]:
    commands = getattr(get_command(app), "commands", None)
    assert isinstance(commands, dict)
    return set(commands)


def test_every_hint_names_a_real_command() -> None:
    """Every `storyline CMD` written in the package (hints, help, docstrings) exists."""
    commands = _commands()
    named: dict[str, list[str]] = {}
    pattern = re.compile(r"(?:`|<code>)storyline ((?:\{[^}]*\})|[a-z][a-z-]*)")
    files = [*SRC.rglob("*.py"), *SRC.rglob("*.html")]
    for file in files:
        for match in pattern.finditer(file.read_text(encoding="utf-8")):
            named.setdefault(match.group(1), []).append(file.name)
    # the formatted hints: "no {kind} with id ...; `storyline {listing}` lists them" and
    # "name one: `storyline {command} STORY`" (timeline, compare, summary, export)
    assert named.pop("{_LISTING.get(kind, kind)}", None)
    assert named.pop("{command}", None)
    from storyline.service.clustering import _LISTING

    for listing in [*_LISTING.values(), "timeline", "compare", "summary", "export"]:
        named.setdefault(listing, []).append("formatted")
    assert {"ingest", "stories", "events", "articles", "enrich", "recluster"} <= set(named)
    unknown = {name: files for name, files in named.items() if name not in commands}
    assert not unknown, f"hints name commands that do not exist: {unknown}"


def test_unknown_story_hint_names_the_stories_command(built: Path) -> None:
    result = _run(built, "story", "story-999")
    assert result.exit_code == 2
    assert "`storyline stories` lists them" in result.stderr
    assert "storys" not in result.output


def test_empty_listings_say_so(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    SQLiteStore(db).close()
    expected = {
        "rejected": "no rejected inputs",
        "articles": "no articles yet",
        "stories": "no stories yet",
        "events": "no events yet",
        "entities": "no entities yet",
    }
    for command, line in expected.items():
        result = _run(db, command)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(line) and result.stdout.count("\n") == 1, result.stdout
        assert json.loads(_run(db, command, "--json").stdout) == []
    assert _run(db, "articles", "--source", "Nobody").stdout == "no articles match\n"


def test_read_only_commands_refuse_a_store_that_does_not_exist(tmp_path: Path) -> None:
    db = tmp_path / "mistyped.db"
    for args in (
        ["articles"],
        ["stories"],
        ["events"],
        ["rejected"],
        ["stats"],
        ["entities"],
        ["timeline"],
        ["show", "x"],
        ["enrich"],
        ["cluster"],
    ):
        result = _run(db, *args)
        assert result.exit_code == 2, (args, result.output)
        assert f"no store at '{db}'" in result.stderr and "--db" in result.stderr
        assert not db.exists(), args


def test_a_missing_input_path_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = _run(db, "ingest", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr and "nope.jsonl" in result.stderr
    assert not db.exists()  # nothing created, nothing recorded as a rejection
    with pytest.raises(InputError, match="no such file or folder"):
        settings = load_settings({"db": str(db)})
        service.ingest(service.open_store(settings), [str(tmp_path / "nope")], settings)


def test_second_ingest_does_not_announce_a_new_store(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("A headline\n\n" + ELECTION, encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--no-enrich", str(path)], env=_env(built))
    assert result.exit_code == 0, result.output
    assert "created a new store" not in result.stderr


def _narrow_ok(text: str, width: int = 80) -> None:
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines()), text


def test_stories_and_events_at_80_columns(built: Path) -> None:
    stories = json.loads(_run(built, "stories", "--json").stdout)
    events = json.loads(_run(built, "events", "--json").stdout)
    assert len(stories) == 2 and {"id", "title", "start", "end", "article_ids"} <= set(stories[0])
    for command, rows in (("stories", stories), ("events", events)):
        text = _run(built, command).stdout
        _narrow_ok(text)
        for row in rows:
            assert row["id"] in text
            span = f"{display_date(row['start'])} .. {display_date(row['end'])}"
            assert span in text, (span, text)
    wide = _run(built, "stories", columns=200).stdout
    assert wide.splitlines()[1].count("┃") >= 6  # the table on a wide terminal


def test_settings_at_80_columns_keep_names_and_env_vars_whole(built: Path) -> None:
    text = _run(built, "settings").stdout
    _narrow_ok(text)
    words = set(text.split())
    for setting in SETTINGS:
        assert setting.name in words and setting.env in words, setting.name
    assert json.loads(_run(built, "settings", "--json").stdout)[0]["env"] == SETTINGS[0].env


def test_articles_at_80_columns_keep_ids_and_dates_whole(built: Path) -> None:
    text = _run(built, "articles").stdout
    for article_id, day in (("f1", "2021-06-07"), ("f2", "2021-06-08"), ("e1", "2021-06-06")):
        assert re.search(rf"\b{article_id}\b.*{day}", text), text


def test_one_spelling_of_the_unknown_outlet_and_one_date_format(built: Path) -> None:
    listed = _run(built, "articles", columns=200).stdout
    assert UNKNOWN_SOURCE in listed and "T10:00" not in listed and " ? " not in listed
    assert "2021-06-07T10:00:00+00:00" in _run(built, "show", "f1").stdout  # stored, shown
    flood = next(
        s for s in json.loads(_run(built, "stories", "--json").stdout) if "f2" in s["article_ids"]
    )
    assert None in [o["source"] for o in flood["outlets"]]  # JSON keeps null
    views = [
        _run(built, "stories", columns=200).stdout,
        _run(built, "story", flood["id"]).stdout,
        _run(built, "timeline", flood["id"]).stdout,
        _run(built, "export", flood["id"], "-f", "md").stdout,
        _run(built, "export", flood["id"], "-f", "html").stdout,
        json.dumps(json.loads(_run(built, "compare", flood["id"], "--json").stdout)),
    ]
    for view in views:
        assert UNKNOWN_SOURCE in view, view[:400]
        assert "(unknown)" not in view and "unknown (" not in view and ": None" not in view
        assert "T10:00:00" not in view or view is views[-1]


def test_timeline_without_a_story_asks_for_one(built: Path, tmp_path: Path) -> None:
    result = _run(built, "timeline")
    assert result.exit_code == 2
    assert "several stories" in result.stderr and "`storyline stories`" in result.stderr
    assert _run(built, "summary").exit_code == 2
    # one story: the timeline says what it covers
    single = tmp_path / "single.db"
    path = tmp_path / "flood.jsonl"
    path.write_text(json.dumps({"id": "f1", "text": FLOOD, "published": "2021-06-07"}))
    assert runner.invoke(app, ["ingest", str(path)], env=_env(single)).exit_code == 0
    told = _run(single, "timeline")
    assert told.exit_code == 0, told.output
    assert "timeline of the whole store (story " in told.stderr
    assert "1 articles published 2021-06-07 .. 2021-06-07" in told.stderr


def test_progress_lines_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_SECONDS", 0.0)
    db = tmp_path / "p.db"
    path = tmp_path / "news.jsonl"
    path.write_text(
        "\n".join(json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate([FLOOD, ELECTION]))
    )
    ingested = runner.invoke(app, ["ingest", str(path), "--no-enrich"], env=_env(db))
    assert "ingesting: 2 articles" in ingested.stderr
    enriched = runner.invoke(app, ["enrich"], env=_env(db))
    assert enriched.exit_code == 0, enriched.output
    assert "enriching: 2/2 articles" in enriched.stderr
    clustered = runner.invoke(app, ["cluster"], env=_env(db))
    assert "clustering: 2/2 articles" in clustered.stderr


def test_progress_line_and_eta() -> None:
    assert progress.eta_seconds(10, 40, 5.0) == pytest.approx(15.0)
    assert progress.eta_seconds(0, 40, 5.0) is None
    assert progress.progress_line("enriching", 10, 40, 5.0) == (
        "enriching: 10/40 articles, about 15 s left"
    )
    assert progress.progress_line("ingesting", 7, 0, 3.0) == "ingesting: 7 articles, 3 s so far"


def test_story_ids_sort_by_their_numbers() -> None:
    assert sorted(["story-19", "story-2", "story-3"], key=id_key) == [
        "story-2",
        "story-3",
        "story-19",
    ]
    store = SQLiteStore(memory=True)
    rows = [
        ClusterRow(f"event-{n}", f"event {n}", None, None, n % 5 + 1, story_id=f"story-{n}")
        for n in (19, 2, 3, 10)
    ]
    store.save_clusters([], rows, b"{}", "test")
    ids = [r.id for r in service.list_stories(store, limit=None)]
    assert ids == ["story-2", "story-3", "story-10", "story-19"]  # one batch: ties by number
    assert [r.id for r in service.list_stories(store, sort="id")] == ids
    sizes = [r.articles for r in service.list_stories(store, sort="size")]
    assert sizes == sorted(sizes, reverse=True)
    assert [r.id for r in service.list_events(store, sort="id")][:2] == ["event-2", "event-3"]
    with pytest.raises(InputError, match="choose one of: recent, size, id"):
        service.list_stories(store, sort="name")


def test_progress_bar_on_a_terminal() -> None:
    import io

    from rich.console import Console

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with progress.stage_progress(console) as update:
        update("enriching", 3, 10)
        update("enriching", 7, 10)
        update("clustering", 10, 10)
    shown = screen.getvalue()
    assert "enriching" in shown and "3/10" in shown and "clustering" in shown


def test_ingest_warns_once_about_fields_it_did_not_read(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    records = [{"maintext": t, "date_publish": "2021-06-07", "views": 3} for t in (FLOOD, ELECTION)]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--no-enrich", str(path)], env=_env(tmp_path / "w.db"))
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning: fields not read") == 1
    assert f"{path}: views" in result.stderr and "--field" in result.stderr
    assert "added 2 articles" in result.stdout


def test_an_event_named_after_a_cut_first_sentence_takes_a_real_headline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "flood.jsonl"
    records = [
        {"id": "u1", "text": FLOOD, "published": "2021-06-07", "source": "Valley News"},
        {
            "id": "t1",
            "title": "Millbrook cleans up after the flood",
            "text": FLOOD_2,
            "published": "2021-06-08",
            "source": "County Herald",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = tmp_path / "t.db"
    assert runner.invoke(app, ["ingest", str(path)], env=_env(db)).exit_code == 0
    events = json.loads(_run(db, "events", "--json").stdout)
    together = [e for e in events if {"u1", "t1"} <= set(e["article_ids"])]
    assert together, events  # the fixture's two flood reports share an event
    assert together[0]["title"] == "Millbrook cleans up after the flood"
    (story,) = json.loads(_run(db, "stories", "--json").stdout)
    assert story["title"] == "Millbrook cleans up after the flood"
