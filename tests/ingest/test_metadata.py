"""Line parsers for metadata written into article text."""

from __future__ import annotations

import pytest

from storyline.ingest import metadata as md


@pytest.mark.parametrize(
    ("line", "reason", "day"),
    [
        ("Updated Sep 6, 2016", "dateline-updated", "2016-09-06"),
        ("Last updated: 6 September 2016 10:32 GMT", "dateline-updated", "2016-09-06"),
        ("UPDATED: Tue., Nov. 19, 2019", "dateline-updated", "2019-11-19"),
        ("Published: 2016-09-06", "dateline-published", "2016-09-06"),
        ("Tuesday, September 6, 2016", "dateline-published", "2016-09-06"),
        ("May 03, 2013", "dateline-published", "2013-05-03"),
        # word-tokenised scrapes put spaces inside clock times
        ("Updated: March 3, 2011, 11: 34 AM ET", "dateline-updated", "2011-03-03"),
        ("12 October 2012, 10: 00 (GMT+05: 00)", "dateline-published", "2012-10-12"),
        ("Fri Nov 2 2012, 01: 19 hrs", "dateline-published", "2012-11-02"),
    ],
)
def test_date_lines(line: str, reason: str, day: str) -> None:
    facts = md.date_line(line)
    assert facts is not None and facts.reason == reason
    assert day in (facts.updated, facts.published)


@pytest.mark.parametrize(
    "line",
    ["The deal was signed on May 3, 2013.", "Updated figures came out May 3, 2013.", "Feb 30"],
)
def test_date_line_near_misses(line: str) -> None:
    assert md.date_line(line) is None


def test_bare_date_can_be_refused() -> None:
    assert md.date_line("May 03, 2013", allow_bare=False) is None
    assert md.date_line("Posted May 03, 2013", allow_bare=False) is not None


def test_parse_date_rejects_impossible_days() -> None:
    assert md.parse_date("on 2016-13-40") is None
    assert md.parse_date("Sept. 6, 2016") == "2016-09-06"


def test_byline() -> None:
    facts = md.byline_line("By Jane Roe and John Doe, Reuters")
    assert facts is not None
    assert facts.authors == ("Jane Roe", "John Doe")
    assert facts.source == "Reuters"
    assert md.byline_line("By Monday the rain had stopped.") is None
    assert md.byline_line("By Land and Sea") is None


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo by: Reuters", "Reuters"),
        ("Photo: AFP", "AFP"),
        ("Image: Getty Images", "Getty Images"),
        ("Credit: Jane Roe", "Jane Roe"),
        ("(AP Photo/Jane Roe)", "AP Photo/Jane Roe"),
    ],
)
def test_credit_lines(line: str, credit: str) -> None:
    facts = md.credit_line(line)
    assert facts is not None and facts.credits == (credit,)


def test_credit_near_miss() -> None:
    assert md.credit_line("Reuters reported that the photo was taken on Monday.") is None


@pytest.mark.parametrize(
    "line",
    [
        "Jane Roe (L) and John Doe arrives for a news conference in Oslo, Norway, May 2, 2016.",
        "Jane Roe (2nd R) meets with John Doe on the sidelines of the summit.",
        "Jane Roe, left, speaks with John Doe in Oslo, Norway, Friday, Aug. 26, 2016.",
        "Protesters gather in a square in Cairo, Egypt, January 25, 2011. REUTERS/Jane Roe",
    ],
)
def test_caption_lines(line: str) -> None:
    facts = md.caption_line(line)
    assert facts is not None and facts.captions == (line,)


@pytest.mark.parametrize(
    "line",
    [
        "Senator John Doe (R) said the vote would happen soon.",
        "The poll was conducted by Reuters/Ipsos.",
        "Jane Roe (L) arrived. Then the talks began in earnest on May 2, 2016.",
    ],
)
def test_caption_near_misses(line: str) -> None:
    assert md.caption_line(line) is None


def test_trailers() -> None:
    assistance = md.assistance_line("With assistance from Anna Berg, Tom Lee and Ivo Ng")
    assert assistance is not None
    assert assistance.contributors == ("Anna Berg", "Tom Lee", "Ivo Ng")
    contact = md.contact_line(
        "To contact the reporters on this story: Mary Major in Oslo at mm@x.com; "
        "Pat Minor in Rome at pm@x.com"
    )
    assert contact is not None and contact.reason == "reporter-contact"
    assert contact.authors == ("Mary Major", "Pat Minor")
    assert contact.dateline == "Oslo"
    editor = md.contact_line("To contact the editor responsible for this story: Bob at b@x.com")
    assert editor is not None and editor.reason == "editor-contact"


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("TRTWorld and agencies", "TRT World"),
        ("Al Jazeera and agencies", "Al Jazeera"),
        ("Source: BBCNews", "BBC News"),
        ("— AFP", "AFP"),
        ("(Reuters)", "Reuters"),
    ],
)
def test_signoffs(line: str, source: str) -> None:
    facts = md.signoff_line(line)
    assert facts is not None and facts.source == source


def test_signoff_near_miss() -> None:
    assert md.signoff_line("Officials spoke to reporters and agencies on Monday.") is None


def test_reporting_credits() -> None:
    line = "He said so. (Reporting by Ann Smith in Oslo; Writing by Bo Chan; Editing by Ed Y)"
    found = md.reporting_credits(line)
    assert found is not None
    offset, facts = found
    assert line[offset:].startswith("(Reporting")
    assert facts.authors == ("Ann Smith",)
    assert facts.contributors == ("Bo Chan",)


@pytest.mark.parametrize(
    ("line", "place", "source"),
    [
        ("LAUSANNE, Switzerland (Reuters) - Talks ended.", "Lausanne, Switzerland", "Reuters"),
        ("WASHINGTON (AP) — The Senate voted.", "Washington", "AP"),
        ("CAIRO, Jan 25 (Reuters) - Crowds gathered.", "Cairo", "Reuters"),
        ("Beirut, Lebanon (CNN) -- Fighting resumed.", "Beirut, Lebanon", "CNN"),
        ("NEW YORK — Stocks rose.", "New York", None),
    ],
)
def test_datelines(line: str, place: str, source: str | None) -> None:
    facts = md.dateline(line)
    assert facts is not None
    assert (facts.dateline, facts.source) == (place, source)


def test_dateline_near_miss() -> None:
    assert md.dateline("Kerry said - after a pause - that talks would go on.") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TRTWorld", "TRT World"),
        ("NBCNews", "NBC News"),
        ("McDonald", "McDonald"),
        ("iPhone", "iPhone"),
        ("YouTube", "YouTube"),
        ("MSNBC", "MSNBC"),
    ],
)
def test_outlet_name(name: str, expected: str) -> None:
    assert md.outlet_name(name) == expected


def test_wire_names() -> None:
    assert md.is_wire("AFP") and md.is_wire("Reuters")
    assert not md.is_wire("TRT World")
