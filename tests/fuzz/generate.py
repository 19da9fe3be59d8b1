"""A deterministic generator of hostile inputs for every reader (issue 19).

``generate(folder, count, seed)`` writes ``count`` inputs under ``folder``, the same bytes
for the same arguments, in sub-folders of at most ``per_folder`` inputs (the runner's
batches). Input ``i`` is of kind ``KINDS[i % len(KINDS)]``: the cheap kinds (mutated
valid files, odd encodings, malformed records) come round often; costly ones (megabyte
lines, 100,000-deep nesting, gzip bombs, a 1.2-million-character article) once per
cycle. Nothing here is committed as data: every file is made at run time.

Run ``python -m tests.fuzz.generate FOLDER --count N`` to write a corpus by hand.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import gzip
import io
import json
import os
import random
from collections.abc import Callable
from pathlib import Path

Made = list[tuple[bytes, bytes]]  # (file name as bytes, content)
_WORDS = (
    "the minister said on Monday that talks in Geneva would continue next week after "
    "officials from both sides met for six hours and agreed on a ceasefire plan which "
    "the president called a first step while critics warned it could collapse"
).split()


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _article(rng: random.Random, sentences: int = 8) -> str:
    return " ".join(_sentence(rng, rng.randint(6, 18)) for _ in range(sentences))


def _html(rng: random.Random, body: str | None = None) -> str:
    body = body if body is not None else _article(rng)
    title = _sentence(rng, 6)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        '<meta name="date" content="2020-03-04"></head>'
        f"<body><article><h1>{title}</h1><p>{body}</p><p>{_article(rng)}</p></article>"
        "</body></html>"
    )


def _rss(rng: random.Random, items: int = 3) -> str:
    entries = "".join(
        f"<item><title>{_sentence(rng, 5)}</title><link>https://example.org/{rng.randint(1, 9999)}"
        f"</link><pubDate>Tue, 03 Mar 2020 10:00:00 GMT</pubDate>"
        f"<description>{_article(rng)}</description></item>"
        for _ in range(items)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
    return f"{head}{entries}</channel></rss>"


def _atom(rng: random.Random) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom</title><entry><title>{_sentence(rng, 5)}</title>"
        f'<updated>2020-03-03T10:00:00Z</updated><content type="html">{_article(rng)}</content>'
        "</entry></feed>"
    )


def _jsonl(rng: random.Random, lines: int = 3) -> str:
    return "".join(
        json.dumps(
            {
                "id": f"j{rng.getrandbits(48):x}",
                "title": _sentence(rng, 5),
                "text": _article(rng),
                "published": f"2020-03-0{rng.randint(1, 9)}",
            }
        )
        + "\n"
        for _ in range(lines)
    )


def _csv(rng: random.Random, rows: int = 3) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "text", "published"])
    for _ in range(rows):
        writer.writerow(
            [f"c{rng.getrandbits(48):x}", _sentence(rng, 5), _article(rng), "2020-03-02"]
        )
    return out.getvalue()


def _warc_record(
    uri: str, body: bytes, *, length: int | None = None, status: str = "200 OK"
) -> bytes:
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    declared = len(http) if length is None else length
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2020-03-03T10:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{random.Random(uri).getrandbits(64):x}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {declared}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def _warc(rng: random.Random, records: int = 2) -> bytes:
    return b"".join(
        _warc_record(f"https://example.org/{rng.randint(1, 99999)}", _html(rng).encode())
        for _ in range(records)
    )


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Flip, drop, duplicate or insert bytes at a few random places, or cut the end."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not buf:
            break
        at = rng.randrange(len(buf))
        action = rng.randrange(5)
        if action == 0:
            buf[at] = rng.randrange(256)
        elif action == 1:
            del buf[at : at + rng.randint(1, 64)]
        elif action == 2:
            buf[at:at] = buf[at : at + rng.randint(1, 64)] * rng.randint(1, 8)
        elif action == 3:
            buf[at:at] = rng.choice([b"\x00", b"<", b"&", b'"', b"\\u", b"]]>", b"\xff\xfe", b"{"])
        else:
            del buf[at:]
    return bytes(buf)


# --- kinds: each makes one input (a name and bytes) from a seeded rng ----------------------


def k_valid(rng: random.Random) -> Made:
    fmt = rng.choice(["txt", "html", "rss", "atom", "jsonl", "csv", "warc", "html.gz", "jsonl.gz"])
    data = {
        "txt": lambda: (_sentence(rng, 6) + "\n\n" + _article(rng)).encode(),
        "html": lambda: _html(rng).encode(),
        "rss": lambda: _rss(rng).encode(),
        "atom": lambda: _atom(rng).encode(),
        "jsonl": lambda: _jsonl(rng).encode(),
        "csv": lambda: _csv(rng).encode(),
        "warc": lambda: _warc(rng),
        "html.gz": lambda: gzip.compress(_html(rng).encode()),
        "jsonl.gz": lambda: gzip.compress(_jsonl(rng).encode()),
    }[fmt]()
    return [(f"valid.{fmt}".encode(), data)]


def k_mutated(rng: random.Random) -> Made:
    ((name, data),) = k_valid(rng)
    return [(b"mutated-" + name, _mutate(rng, data))]


def k_empty(rng: random.Random) -> Made:
    return [(rng.choice([b"empty.txt", b"empty.jsonl", b"empty.warc", b"empty", b"empty.gz"]), b"")]


def k_random_bytes(rng: random.Random) -> Made:
    ext = rng.choice([b".txt", b".html", b".rss", b".jsonl", b".csv", b".warc", b"", b".gz"])
    return [(b"random" + ext, rng.randbytes(rng.randint(1, 8000)))]


def k_nul(rng: random.Random) -> Made:
    text = _article(rng)
    at = rng.randrange(len(text))
    data = (text[:at] + "\x00" * rng.randint(1, 500) + text[at:]).encode()
    return [(rng.choice([b"nul.txt", b"nul.html", b"nul.jsonl"]), data)]


def k_gzip_cut(rng: random.Random) -> Made:
    packed = gzip.compress((_html(rng) * 20).encode())
    return [
        (
            rng.choice([b"cut.html.gz", b"cut.jsonl.gz", b"cut.gz"]),
            packed[: rng.randint(10, len(packed) - 1)],
        )
    ]


def k_gzip_fake(rng: random.Random) -> Made:
    data = rng.choice([b"\x1f\x8b" + rng.randbytes(200), _html(rng).encode()])
    return [(rng.choice([b"fake.html.gz", b"fake.warc.gz", b"fake.gz"]), data)]


def k_gzip_bomb(rng: random.Random) -> Made:
    inner = rng.choice([b"\n", b" ", b"a", b"{"]) * (40 << 20)
    return [
        (
            rng.choice([b"bomb.jsonl.gz", b"bomb.html.gz", b"bomb.txt.gz", b"bomb.csv.gz"]),
            gzip.compress(inner, 9),
        )
    ]


def k_bad_utf8(rng: random.Random) -> Made:
    data = bytearray(_article(rng).encode())
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.choice([0x80, 0xC0, 0xFF, 0xFE, 0xED])
    return [
        (
            rng.choice([b"bad-utf8.txt", b"bad-utf8.html", b"bad-utf8.jsonl", b"bad-utf8.csv"]),
            bytes(data),
        )
    ]


def k_utf16_no_bom(rng: random.Random) -> Made:
    text = rng.choice([_article(rng), _html(rng), _jsonl(rng), _csv(rng)])
    return [
        (
            rng.choice([b"u16.txt", b"u16.html", b"u16.jsonl", b"u16.csv", b"u16"]),
            text.encode(rng.choice(["utf-16-le", "utf-16-be"])),
        )
    ]


def k_codepage(rng: random.Random) -> Made:
    samples = {
        "cp1252": "Caf\u00e9 \u201cna\u00efve\u201d r\u00e9sum\u00e9 \u2013 ",
        "koi8-r": "\u041c\u0438\u043d\u0438\u0441\u0442\u0440 \u0441\u043a\u0430\u0437 ",
        "shift_jis": "\u5927\u81e3\u306f\u6708\u66dc\u65e5\u306b\u8ff0\u3079\u305f ",
        "iso-8859-7": "\u03a5\u03c0\u03bf\u03c5\u03c1\u03b3\u03cc\u03c2 ",
        "cp1256": "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 ",
    }
    codec = rng.choice(sorted(samples))
    text = (samples[codec] * rng.randint(5, 60)) + _article(rng)
    return [(f"cp-{codec}.txt".encode(), text.encode(codec, errors="replace"))]


def k_controls(rng: random.Random) -> Made:
    chars = [chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32), 0x7F, 0x85, 0x2028, 0xFEFF)]
    text = "".join(c + (rng.choice(chars) if rng.random() < 0.2 else "") for c in _article(rng))
    return [
        (
            rng.choice([b"ctl.txt", b"ctl.jsonl"]),
            text.encode() if rng.random() < 0.5 else json.dumps({"text": text}).encode(),
        )
    ]


def k_bidi(rng: random.Random) -> Made:
    marks = "\u202e\u202d\u2066\u2067\u2068\u2069\u200f\u200e\u061c"
    text = "".join(w + " " + rng.choice(marks) for w in _article(rng).split())
    return [(b"bidi-\xe2\x80\xae.txt", text.encode())]


def k_combining(rng: random.Random) -> Made:
    flood = "a" + "\u0301\u0308\u0327\u0336" * rng.randint(1000, 50000)
    return [
        (
            rng.choice([b"zalgo.txt", b"zalgo.html"]),
            (_article(rng) + flood + _article(rng)).encode(),
        )
    ]


def k_deep_html(rng: random.Random) -> Made:
    depth = rng.choice([1000, 100_000])
    tag = rng.choice(["div", "span", "b", "table"])
    page = f"<{tag}>" * depth + _article(rng) + f"</{tag}>" * depth
    return [(b"deep.html", ("<html><body>" + page + "</body></html>").encode())]


def k_deep_json(rng: random.Random) -> Made:
    depth = rng.choice([100, 5000, 100_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    line = opener * depth + "1" + closer * depth
    record = json.dumps({"text": _article(rng)})
    return [
        (
            b"deep.jsonl",
            (record + "\n" + line + "\n" + record.replace("minister", "mayor") + "\n").encode(),
        )
    ]


def k_megabyte(rng: random.Random) -> Made:
    size = rng.randint(1 << 20, 3 << 20)
    choice = rng.randrange(3)
    if choice == 0:
        data = f'<html><body><p title="{"x" * size}">{_article(rng)}</p></body></html>'.encode()
        return [(b"mega-attr.html", data)]
    if choice == 1:
        return [(b"mega-line.txt", (_article(rng) + " " + "word" * (size // 4)).encode())]
    return [
        (
            b"mega-line.jsonl",
            (json.dumps({"text": "w " * (size // 2)}) + "\n" + _jsonl(rng, 1)).encode(),
        )
    ]


def k_entities(rng: random.Random) -> Made:
    lol = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(rng.randint(3, 12))
    )
    xxe = rng.choice(
        [
            '<!ENTITY x SYSTEM "file:///etc/passwd">',
            '<!ENTITY x SYSTEM "http://127.0.0.1:9/x">',
            '<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;',
            '<!ENTITY x "plain">',
        ]
    )
    body = f"&l{rng.randint(0, 2)}; &x; {_article(rng)}"
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{lol}{xxe}]><rss version="2.0"><channel>'
        f"<title>&x;</title><item><title>t</title><description>{body}</description></item>"
        "</channel></rss>"
    )
    return [(rng.choice([b"entities.rss", b"entities.xml", b"entities"]), feed.encode())]


def k_bad_feed(rng: random.Random) -> Made:
    feed = rng.choice([_rss(rng), _atom(rng)])
    choice = rng.randrange(4)
    if choice == 0:
        feed = feed[: rng.randrange(len(feed))]
    elif choice == 1:
        feed = feed.replace("</item>", "", 1).replace("</entry>", "", 1)
    elif choice == 2:
        feed = feed.replace("<description>", "<description><![CDATA[<script>alert(1)</script>", 1)
    else:
        feed = (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            + "<item></item>" * rng.randint(1, 3000)
            + "</channel></rss>"
        )
    return [(rng.choice([b"bad.rss", b"bad.atom"]), feed.encode())]


def k_bad_jsonl(rng: random.Random) -> Made:
    lines = [
        "{",
        '{"text": 5}',
        '{"text": null}',
        "[1,2]",
        '"just a string"',
        '{"text": "\\ud800 lone"}',
        '{"text": "x", "published": "2020-13-45"}',
        '{"title": {"a": 1}, "text": "y"}',
        '{"text": "' + _article(rng) + '", "authors": [1, null, {"n": 2}], "id": [1]}',
        '{"text": "' + _article(rng) + '\\udfff", "source": "\\udc80"}',
        "\ufeff" + _jsonl(rng, 1).strip(),
        "NaN",
        '{"text": "' + "\\u0000" * 50 + '"}',
    ]
    picked = [rng.choice(lines) for _ in range(rng.randint(1, 8))] + [_jsonl(rng, 1).strip()]
    rng.shuffle(picked)
    return [(rng.choice([b"bad.jsonl", b"bad.ndjson", b"bad.json"]), "\n".join(picked).encode())]


def k_bad_csv(rng: random.Random) -> Made:
    choice = rng.randrange(5)
    if choice == 0:
        data = f'id,text\nq{rng.getrandbits(40)},"unbalanced quote {_article(rng)}\n2,ok\n'
    elif choice == 1:
        data = "only,header,no,text\n"
    elif choice == 2:
        data = "text\n" + "\n".join('"' + _article(rng).replace(" ", '" "') for _ in range(3))
    elif choice == 3:
        key = rng.getrandbits(40)
        data = f"id;text;published\nk{key};{_article(rng)};not a date\n;;\nm{key};{'x' * 300_000}\n"
    else:
        data = _csv(rng).replace(",", "\t")
    return [(rng.choice([b"bad.csv", b"bad.tsv"]), data.encode())]


def k_bad_warc(rng: random.Random) -> Made:
    body = _html(rng).encode()
    choice = rng.randrange(5)
    if choice == 0:
        data = _warc_record("https://e.org/long", body, length=len(body) * 3)
    elif choice == 1:
        data = _warc_record("https://e.org/short", body, length=len(body) // 3) + _warc(rng, 1)
    elif choice == 2:
        whole = _warc(rng, 3)
        data = whole[: rng.randrange(len(whole))]
    elif choice == 3:
        data = b"WARC/1.0\r\n" + rng.randbytes(500)
    else:
        data = gzip.compress(_warc(rng, 2))
        data = data[: rng.randrange(20, len(data))]
    return [(rng.choice([b"bad.warc", b"bad.warc.gz", b"bad"]), data)]


def k_odd_name(rng: random.Random) -> Made:
    names = [
        b"caf\xe9-latin1.txt",
        b"\xff\xfe\xfd.txt",
        b"-dash.txt",
        b"new\nline.txt",
        b" space .txt",
        b"x" * 240 + b".txt",
        b"\xe2\x80\xaetxt.exe",
        b"..dots.txt",
        b"quote\"'<script>.txt",
        b"\xed\xa0\x80surrogate.txt",
    ]
    return [(rng.choice(names), (_sentence(rng, 6) + "\n\n" + _article(rng)).encode())]


def k_hostile_text(rng: random.Random) -> Made:
    payloads = [
        "<script>alert(document.domain)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "<style>body{display:none}</style>",
        '<svg onload="alert(1)"><circle/></svg>',
        "{{7*7}} ${7*7} <%= 7*7 %>",
        "'; DROP TABLE articles; --",
        "\u0000<iframe src=//evil>",
    ]
    text = _article(rng) + " " + " ".join(rng.sample(payloads, 3)) + " " + _article(rng)
    fmt = rng.choice(["txt", "html", "jsonl"])
    if fmt == "html":
        return [(b"hostile.html", _html(rng, text).encode())]
    if fmt == "jsonl":
        return [
            (b"hostile.jsonl", (json.dumps({"text": text, "title": payloads[0]}) + "\n").encode())
        ]
    return [(b"hostile.txt", text.encode())]


def k_long_article(rng: random.Random) -> Made:
    paragraphs = [_article(rng, 10) for _ in range(900)]
    text = "\n\n".join(paragraphs)
    while len(text) < 1_200_000:
        text += "\n\n" + text[:200_000]
    return [(b"long-article.txt", (_sentence(rng, 6) + "\n\n" + text).encode())]


def k_bom_mix(rng: random.Random) -> Made:
    bom = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE, b"\xef\xbb"])
    return [
        (
            rng.choice([b"bom.txt", b"bom.jsonl", b"bom.csv", b"bom.html"]),
            bom + _jsonl(rng, 1).encode(),
        )
    ]


CHEAP: tuple[Callable[[random.Random], Made], ...] = (
    k_valid,
    k_valid,
    k_mutated,
    k_mutated,
    k_mutated,
    k_mutated,
    k_empty,
    k_random_bytes,
    k_nul,
    k_gzip_cut,
    k_gzip_fake,
    k_bad_utf8,
    k_utf16_no_bom,
    k_codepage,
    k_controls,
    k_bidi,
    k_combining,
    k_entities,
    k_bad_feed,
    k_bad_jsonl,
    k_bad_csv,
    k_bad_warc,
    k_odd_name,
    k_hostile_text,
    k_bom_mix,
)
COSTLY: tuple[Callable[[random.Random], Made], ...] = (k_deep_html, k_deep_json, k_megabyte)
KINDS: tuple[Callable[[random.Random], Made], ...] = CHEAP * 4 + COSTLY


def _kind(i: int) -> Callable[[random.Random], Made]:
    if i % 2500 == 7:
        return k_long_article  # a handful per full run: enrichment's length bound
    if i % 1000 == 500:
        return k_gzip_bomb
    return KINDS[i % len(KINDS)]


def generate(folder: Path, count: int, *, seed: int = 19, per_folder: int = 200) -> list[Path]:
    """Write ``count`` inputs under ``folder`` in batches; return the batch folders.

    Besides the files, each batch folder gets special entries now and then: a named pipe,
    a loop of symbolic links, a link to a folder above it and a link to a file outside it.
    """
    batches: list[Path] = []
    for i in range(count):
        batch = folder / f"batch{i // per_folder:04d}"
        if i % per_folder == 0:
            batch.mkdir(parents=True, exist_ok=True)
            batches.append(batch)
            _specials(batch, folder, i // per_folder)
        rng = random.Random(f"{seed}:{i}")
        for name, data in _kind(i)(rng):
            path = os.path.join(os.fsencode(batch), b"%06d-" % i + name[:200])
            with open(path, "wb") as handle:
                handle.write(data)
    return batches


def _specials(batch: Path, root: Path, number: int) -> None:
    if number % 2 == 0:
        os.mkfifo(batch / "zz-pipe.txt")
    os.symlink(batch / "zz-loop-b", batch / "zz-loop-a")
    os.symlink(batch / "zz-loop-a", batch / "zz-loop-b")
    os.symlink("..", batch / "zz-up")
    outside = root / "outside-secret.txt"
    if not outside.exists():
        outside.write_text("Outside secret: " + _article(random.Random(0)))
    os.symlink(outside, batch / "zz-outside.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    batches = generate(args.folder, args.count, seed=args.seed)
    print(f"{args.count} inputs in {len(batches)} folders under {args.folder}")


if __name__ == "__main__":
    main()
