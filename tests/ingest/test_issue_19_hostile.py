"""Issue 19: every hostile input is stored or rejected with its origin and reason, and the
run goes on (the cases the issue reported, each with a good article beside it)."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest

from storyline import service
from storyline.settings import Settings, load_settings
from storyline.store.sqlite import SQLiteStore
from tests.conftest import synthetic_article

_RNG = random.Random(19)
GOOD = synthetic_article(_RNG, 60)


def _settings(**overrides: object) -> Settings:
    base: dict[str, object] = {"ingest.workers": 1, "enrich.on_ingest": False}
    base.update(overrides)
    return load_settings(base, environ={})


def _ingest(tmp_path: Path, paths: list[str], **overrides: object) -> tuple[SQLiteStore, dict]:
    store = SQLiteStore(tmp_path / "t.db")
    report = service.ingest(store, paths, _settings(**overrides))
    reasons = {r.origin: r.reason for r in store.rejections()}
    assert len(reasons) == len(report.rejected)
    return store, reasons


def _good_line(i: int) -> str:
    return json.dumps({"id": f"good{i}", "text": f"Item {i}. " + GOOD}) + "\n"


def test_deep_json_is_rejected_with_its_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    nested = json.dumps({"text": GOOD, "x": [[[[[[[[[[[[1]]]]]]]]]]]]})
    path.write_text(_good_line(1) + deep + "\n" + nested + "\n" + _good_line(2))
    store, reasons = _ingest(tmp_path, [str(path)], **{"ingest.max_json_depth": 8})
    assert store.existing_ids(["good1", "good2"]) == {"good1", "good2"}
    assert "100,000 levels deep" in reasons[f"{path}:2"]
    assert "13 levels deep" in reasons[f"{path}:3"]


def test_lone_surrogates_are_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    line = '{"id": "s1", "title": "bad \\udc80 title", "text": "' + GOOD + ' \\ud800 end"}\n'
    path.write_text(line + _good_line(1))
    store, _ = _ingest(tmp_path, [str(path)])
    article = store.get_article("s1")
    assert "\ufffd" in article.text and "\ufffd" in (article.title or "")
    assert store.existing_ids(["good1"]) == {"good1"}


def test_undecodable_file_names_are_read_and_shown(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 \xff.txt")
    (folder / name).write_text(GOOD)
    store, _ = _ingest(tmp_path, [str(folder)])
    (article,) = store.list_articles(service.ArticleFilter())
    assert article.origin.endswith("caf\\xe9 \\xff.txt")


def test_pipes_links_and_loops(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text(GOOD)
    outside = tmp_path / "secret.txt"
    outside.write_text("The secret: " + GOOD)
    os.mkfifo(folder / "pipe.txt")
    os.symlink(outside, folder / "leak.txt")
    os.symlink(folder / "sub" / "a.txt", folder / "inside.txt")  # inside: followed
    os.symlink(folder, folder / "sub" / "loop")
    os.symlink(folder / "self1", folder / "self2")
    os.symlink(folder / "self2", folder / "self1")
    store, reasons = _ingest(tmp_path, [str(folder)])
    assert "named pipe" in reasons[str(folder / "pipe.txt")]
    assert "outside the folder" in reasons[str(folder / "leak.txt")]
    assert "--follow-links" in reasons[str(folder / "leak.txt")]
    assert "symbolic links" in reasons[str(folder / "self1")]
    texts = [a.text for a in store.list_articles(service.ArticleFilter())]
    assert len(texts) == 1 and not any("secret" in t for t in texts)
    store.close()
    (tmp_path / "t.db").unlink()
    store = SQLiteStore(tmp_path / "t.db")
    service.ingest(
        store,
        [str(folder)],
        _settings(),
        service.IngestOptions(follow_links=True),
    )
    assert any("secret" in a.text for a in store.list_articles(service.ArticleFilter()))


def test_gzip_bombs_and_cut_gzip_are_rejected(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(gzip.compress(_good_line(1).encode() + b"\n" * 50_000_000, 9))
    capped = tmp_path / "big.jsonl.gz"
    capped.write_bytes(gzip.compress("".join(_good_line(i) for i in range(5, 400)).encode()))
    page = ("<html><body><article><p>" + GOOD + "</p></article></body></html>").encode()
    cut = gzip.compress(page * 50)
    (tmp_path / "cut.html.gz").write_bytes(cut[: len(cut) // 2])
    store, reasons = _ingest(
        tmp_path,
        [str(bomb), str(capped), str(tmp_path / "cut.html.gz")],
        **{"ingest.max_decompressed_bytes": 100_000},
    )
    assert "gzip bomb" in reasons[str(bomb)]
    assert "ingest.max_decompressed_bytes" in reasons[str(capped)]
    assert "Compressed file ended" in reasons[str(tmp_path / "cut.html.gz")]
    assert store.existing_ids(["good1", "good5"]) == {"good1", "good5"}  # read before the cap


def test_garbage_warc_and_entity_feeds(tmp_path: Path) -> None:
    (tmp_path / "junk.warc").write_bytes(random.Random(1).randbytes(4000))
    (tmp_path / "junk.warc.gz").write_bytes(gzip.compress(random.Random(2).randbytes(4000)))
    bomb = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE r [{bomb}'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>a</title><description>&l9; &xxe; {GOOD}</description></item>"
        + "".join(
            f"<item><title>{i}</title><description>{i} {GOOD}</description></item>"
            for i in range(5)
        )
        + "</channel></rss>"
    )
    (tmp_path / "f.rss").write_text(feed)
    store, reasons = _ingest(
        tmp_path,
        [str(tmp_path / "junk.warc"), str(tmp_path / "junk.warc.gz"), str(tmp_path / "f.rss")],
        **{"ingest.max_feed_items": 3},
    )
    assert "WARC" in reasons[str(tmp_path / "junk.warc")]
    assert str(tmp_path / "junk.warc.gz") in reasons
    assert "ingest.max_feed_items = 3" in reasons[f"{tmp_path / 'f.rss'}#4"]
    texts = [a.text for a in store.list_articles(service.ArticleFilter())]
    assert len(texts) == 3
    assert not any("root:" in t or "lollol" in t for t in texts)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_past_the_watchdog_is_rejected(tmp_path: Path, workers: int) -> None:
    page = "<html><body>" + "<div><p>x</p>" * 30_000 + "<p>" + GOOD + "</p></body></html>"
    (tmp_path / "slow.html").write_text(page)
    lines = "".join(_good_line(i) for i in range(60))
    (tmp_path / "ok.jsonl").write_text(lines)
    store, reasons = _ingest(
        tmp_path,
        [str(tmp_path / "slow.html"), str(tmp_path / "ok.jsonl")],
        **{"ingest.item_timeout": 0.05, "ingest.workers": workers},
    )
    assert "ingest.item_timeout" in reasons[str(tmp_path / "slow.html")]
    assert len(store.existing_ids([f"good{i}" for i in range(60)])) == 60
