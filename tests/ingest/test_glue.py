"""Glued-word repair: real glue is split, real words, names and typos are not."""

from __future__ import annotations

import itertools

import pytest

from storyline.ingest.glue import find_glue, split_glued

ENGLISH = " The report said that the city and the region were in the news of the day. "


def repaired(text: str) -> str:
    out = text
    for fix in reversed(find_glue(text)):
        out = out[: fix.start] + fix.after + out[fix.end :]
    return out


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("strikeby", "strike by"),
        ("dependenceon", "dependence on"),
        ("ofthe", "of the"),
        ("inthe", "in the"),
        ("oppositionfighters", "opposition fighters"),
        ("graveThe", "grave The"),
    ],
)
def test_glued_tokens_are_split(token: str, expected: str) -> None:
    assert split_glued(token) == expected


@pytest.mark.parametrize(
    "token",
    [
        "springboard",  # a real compound word
        "counterattack",
        "Shamanov",  # names unknown to wordfreq
        "Kravchenko",
        "Komsomolskaya",
        "Lausanne",
        "Hangzhou",
        "doplomats",  # a typo, not glue
        "freedon",  # one edit from "freedom"
        "natoin",  # one edit from "nation"
        "multiplanetary",  # combining form
        "psychodramas",  # inflection of a known word
        "McDonald",
        "YouTube",
        "iPhone",
        "Ashby",
        "NATOAND",
    ],
)
def test_real_words_names_and_typos_are_kept(token: str) -> None:
    assert split_glued(token) == token


def test_capitalised_first_part_must_occur_alone_in_the_text() -> None:
    assert split_glued("Aleppoby") == "Aleppoby"
    assert split_glued("Aleppoby", seen=frozenset({"Aleppo"})) == "Aleppo by"
    text = "Bombs fell on Aleppo today." + ENGLISH + "The siege of Aleppoby the army went on."
    assert "siege of Aleppo by the army" in repaired(text)


def test_threshold_from_caller() -> None:
    assert split_glued("strikeby", min_zipf=7.0) == "strikeby"


def test_sentence_glue() -> None:
    text = "It was near the U.S.The Kremlin said no." + ENGLISH + "Rates rose.Prices fell."
    out = repaired(text)
    assert "the U.S. The Kremlin" in out
    assert "rose. Prices" in out


@pytest.mark.parametrize(
    "text",
    [
        "The U.S.-led coalition struck at 9 a.m. on Monday.",
        "Growth was 2.5 percent, said Acme Inc. in a note.",
        "Write to jane.Doe@example.com or visit www.example.Com today.",
        "Shares of Amazon.Com rose.",
    ],
)
def test_sentence_glue_near_misses(text: str) -> None:
    assert repaired(text + ENGLISH) == text + ENGLISH


def test_fraction_and_number_glue() -> None:
    text = "the 5 1 / 2year war and a 4year old child" + ENGLISH
    out = repaired(text)
    assert "5 1/2-year war" in out
    assert "4-year old" in out


def test_pretokenised_text_is_left_alone() -> None:
    text = "Obama 's aides said , on Monday , that the 5 1 / 2 years were long ." + ENGLISH
    assert find_glue(text) == []


def test_repeated_odd_token_is_a_term_not_glue() -> None:
    text = "The strikeby plan." + ENGLISH + "Another strikeby plan."
    assert find_glue(text) == []


def test_urls_emails_and_handles_are_skipped() -> None:
    text = "See http://example.com/strikeby and mail strikeby@x.org now." + ENGLISH
    assert find_glue(text) == []


def test_non_english_text_gets_no_word_splits() -> None:
    text = "Der Verlust der Daten wurde bei der Nichtnutzung hadits bemerkt und gemeldet."
    assert find_glue(text) == []


def test_fixes_are_sorted_and_disjoint() -> None:
    text = "The strikeby and cityby raids.Then 5 1 / 2year later." + ENGLISH
    fixes = find_glue(text)
    assert fixes == sorted(fixes, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(fixes))
