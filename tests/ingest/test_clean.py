"""Cleaning: rules, the edit-log invariant and offset mapping (synthetic texts only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.ingest.clean import apply_edits, clean, to_raw_offset, to_raw_span
from storyline.models import Edit
from storyline.settings import Settings

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "seeds"

PROSE = (
    "The committee met on Tuesday to discuss the budget and agreed to meet again soon.",
    "Officials said the talks had been difficult but that progress was being made.",
    "Several members asked for more time to study the proposals before any vote.",
)


def body(*middle: str) -> str:
    return "\n\n".join((PROSE[0], *middle, PROSE[1], PROSE[2]))


def reasons(raw: str, **kwargs: str) -> list[str]:
    return [e.reason for e in clean(raw, **kwargs).edits]


def test_headline_is_taken_from_plain_text() -> None:
    cleaned = clean("Storm hits the northern coast\n\n" + body())
    assert cleaned.title == "Storm hits the northern coast"
    assert cleaned.text.startswith(PROSE[0])
    assert cleaned.edits[0].reason == "headline"


def test_no_headline_rule_for_html_or_long_first_paragraph() -> None:
    assert clean("Storm hits the northern coast\n\n" + body(), format="html").title is None
    long_first = " ".join(["word"] * 40) + ".\n\n" + body()
    assert clean(long_first).title is None


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="pdf"):
        clean("text", format="pdf")


def test_credit_lines_and_repeats_are_removed_and_kept_as_credits() -> None:
    cleaned = clean(body("Photo by: Agency X\nPhoto by: Agency X"), format="html")
    assert "Photo by" not in cleaned.text
    assert cleaned.credits == ("Agency X",)
    assert {e.reason for e in cleaned.edits} == {"photo-credit", "repeated-line"}


def test_short_lines_repeated_far_apart_are_list_items_and_stay() -> None:
    raw = body("Meal 1", "Eat slowly and drink water with every single meal you take.", "Meal 1")
    assert clean(raw, format="html").text == raw


def test_long_prose_line_repeated_anywhere_is_removed() -> None:
    raw = body(PROSE[2], "Short note here.")
    cleaned = clean(raw, format="html")
    assert cleaned.text.count(PROSE[2]) == 1
    assert "repeated-line" in [e.reason for e in cleaned.edits]


def test_caption_with_position_marker_and_date_goes_to_captions() -> None:
    caption = "Jane Roe (L) and John Doe arrive for talks in Oslo, Norway, March 3, 2015."
    cleaned = clean(body(caption), format="html")
    assert caption not in cleaned.text
    assert cleaned.captions == (caption,)


def test_sentence_mentioning_party_marker_is_not_a_caption() -> None:
    raw = body("Senator John Doe (R) said the bill would pass before the recess.")
    assert clean(raw, format="html").text == raw


def test_updated_line_sets_updated_and_published() -> None:
    cleaned = clean(body("Updated Mar 4, 2015"), format="html")
    assert cleaned.updated == "2015-03-04"
    assert cleaned.published == "2015-03-04"
    assert "Updated" not in cleaned.text


def test_sentence_with_a_date_is_body_text() -> None:
    raw = body("The agreement was signed on March 4, 2015, in Geneva.")
    assert clean(raw, format="html").text == raw


def test_bloomberg_style_trailers() -> None:
    raw = body() + (
        "\n\nWith assistance from Anna Berg and Tom Lee\n\n"
        "To contact the reporter on this story: Mary Major in Oslo at mmajor@example.com\n"
        "To contact the editors responsible for this story: Bob Editor at bob@example.com"
    )
    cleaned = clean(raw, format="html")
    assert cleaned.text == body()
    assert cleaned.contributors == ("Anna Berg", "Tom Lee")
    assert cleaned.authors == ("Mary Major",)
    assert cleaned.dateline == "Oslo"
    assert [e.reason for e in cleaned.edits] == [
        "assistance-trailer",
        "reporter-contact",
        "editor-contact",
    ]


def test_body_dateline_beats_contact_place_and_stays_in_text() -> None:
    raw = (
        "OSLO, Norway (Reuters) - "
        + body()
        + ("\n\nTo contact the reporter on this story: Mary Major in Bergen at")
    )
    cleaned = clean(raw, format="html")
    assert cleaned.dateline == "Oslo, Norway"
    assert cleaned.text.startswith("OSLO, Norway (Reuters) - ")
    assert cleaned.source == "Reuters"


def test_agency_signoff_sets_source_with_camel_case_outlet() -> None:
    cleaned = clean(body() + "\n\nABCNews and agencies", format="html")
    assert cleaned.source == "ABC News"
    assert cleaned.text == body()


def test_reporting_credits_at_end_of_last_paragraph() -> None:
    raw = body() + " (Reporting by Ann Smith; Additional reporting by Bo Chan; Editing by Ed Y)"
    cleaned = clean(raw, format="html")
    assert cleaned.text == body()
    assert cleaned.authors == ("Ann Smith",)
    assert cleaned.contributors == ("Bo Chan",)


def test_tagged_teaser_is_removed_but_short_subheading_stays() -> None:
    raw = body("Why the Budget Talks Keep Failing: QuickTake", "Direct Clash")
    cleaned = clean(raw, format="html")
    assert "QuickTake" not in cleaned.text
    assert "Direct Clash" in cleaned.text


def test_untagged_title_case_teaser_only_outside_html() -> None:
    raw = body("Markets Rally as Central Bank Signals Pause")
    assert "teaser" in reasons(raw, format="jsonl")
    assert clean(raw, format="html").text == raw


def test_teaser_prefixes_and_boilerplate() -> None:
    raw = body("READ MORE: Something else happened", "Advertisement", "Sign up for our newsletter")
    assert clean(raw, format="html").text == body()


def test_byline_only_near_the_top() -> None:
    cleaned = clean("By Jane Roe and John Doe\n\n" + body(), format="html")
    assert cleaned.authors == ("Jane Roe", "John Doe")
    later = body("By Jane Roe")
    assert clean(later, format="html").authors == ()


def test_glue_repairs_are_edits() -> None:
    raw = body("Planes struck the cityby night, officials in the city said on Monday.")
    cleaned = clean(raw, format="html")
    assert "city by night" in cleaned.text
    assert [e.reason for e in cleaned.edits] == ["glued-words"]


def test_glue_threshold_is_read_from_settings() -> None:
    raw = body("Planes struck the cityby night, officials in the city said on Monday.")
    strict = Settings({"clean.glue_min_zipf": 8.0})
    assert clean(raw, format="html", settings=strict).text == raw


def test_apply_edits_rejects_edits_that_do_not_match() -> None:
    with pytest.raises(InputError, match="does not apply"):
        apply_edits("abc", [Edit(0, 1, "x", "", "test")])


def test_offset_mapping_around_edits() -> None:
    raw = "Head line\n\nAlpha beta.\n\nPhoto: X\n\nGamma delta."
    cleaned = clean(raw)
    assert cleaned.text == "Alpha beta.\n\nGamma delta."
    for word in ("Alpha", "beta", "Gamma", "delta"):
        start = cleaned.text.index(word)
        span = to_raw_span(cleaned.edits, start, start + len(word))
        assert raw[span[0] : span[1]] == word
    # The end of "beta.\n\n" stops before the deleted credit line.
    end = cleaned.text.index("Gamma")
    assert raw[to_raw_offset(cleaned.edits, end) :].startswith("Gamma")
    assert to_raw_span(cleaned.edits, 3, 3) == (to_raw_offset(cleaned.edits, 3),) * 2


def test_negative_offset_is_rejected() -> None:
    with pytest.raises(ValueError, match="-1"):
        to_raw_offset((), -1)


_PIECES = st.sampled_from(
    [
        "Photo by: Agency",
        "Updated Sep 6, 2016",
        "Advertisement",
        "READ MORE: Other story",
        "With assistance from Ann Lee",
        "Short Subhead",
        "Jane Roe (L) meets John Doe in Oslo on May 5, 2016.",
        "The strikeby planes hit the cityby night and the U.S.The officials said so.",
        "Ordinary sentence of the body that ends with a period.",
        "Ordinary sentence of the body that ends with a period.",
        "5 1 / 2year war",
        "",
        "  ",
        "X and agencies",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_PIECES, max_size=14),
    st.sampled_from(["\n", "\n\n", "\r\n"]),
    st.sampled_from(["text", "html", "jsonl"]),
)
def test_edit_log_reproduces_text_and_maps_offsets(
    pieces: list[str], joiner: str, fmt: str
) -> None:
    raw = joiner.join(pieces)
    cleaned = clean(raw, format=fmt)
    assert apply_edits(raw, cleaned.edits) == cleaned.text
    previous_end = 0
    for edit in cleaned.edits:
        assert edit.start >= previous_end
        assert raw[edit.start : edit.end] == edit.before
        previous_end = edit.end
    # Text outside edits maps one to one, and every offset maps into the raw text.
    replaced: set[int] = set()
    shift = 0
    for edit in cleaned.edits:
        replaced.update(range(edit.start - shift, edit.start - shift + len(edit.after)))
        shift += len(edit.before) - len(edit.after)
    for offset in range(len(cleaned.text) + 1):
        raw_offset = to_raw_offset(cleaned.edits, offset)
        assert 0 <= raw_offset <= len(raw)
        if offset < len(cleaned.text) and offset not in replaced:
            assert raw[raw_offset] == cleaned.text[offset]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .\nPT:()L1/2y"), max_size=80))
def test_edit_log_invariant_on_arbitrary_text(raw: str) -> None:
    cleaned = clean(raw)
    assert apply_edits(raw, cleaned.edits) == cleaned.text


@pytest.mark.slow
def test_seed_articles_come_out_clean() -> None:
    if not SEEDS.is_dir():
        pytest.skip("seed data folder is absent")
    files = sorted(SEEDS.glob("*.txt"))
    results = [clean(f.read_text(encoding="utf-8")) for f in files]
    titles = {r.title for r in results}
    assert titles == {
        "No Syria talks progress, Russia warns of U.S. conflict",
        "US-Russia talks on Syria end without deal",
    }
    bloomberg = next(r for r in results if r.title and r.title.startswith("No Syria"))
    trt = next(r for r in results if r.title and r.title.startswith("US-Russia"))
    for r in results:
        assert "Photo by" not in r.text
        assert "To contact the reporter" not in r.text
        assert "QuickTake" not in r.text
    assert bloomberg.authors == ("Henry Meyer",)
    assert bloomberg.contributors == ("Stepan Kravchenko",)
    assert bloomberg.dateline == "Lausanne"
    for fixed in ("Aleppo by", "strike by", "opposition fighters", "5 1/2-year", "U.S. The"):
        assert fixed in bloomberg.text
    for kept in ("Direct Clash", "Assad’s Springboard", "Kravchenko", "U.S.-led", "cease-fire"):
        assert kept in bloomberg.text or kept in bloomberg.contributors[0]
    assert trt.credits == ("Reuters",)
    assert trt.updated == trt.published == "2016-09-06"
    assert trt.source == "TRT World"
    assert len(trt.captions) == 2
    assert "(L)" not in trt.text and "agencies" not in trt.text
    assert "doplomats" in trt.text
    glued = [e for r in results for e in r.edits if e.reason == "glued-words"]
    assert len(glued) == 5
