from __future__ import annotations

import pytest

from storyline.errors import InputError
from storyline.models import Article, Enrichment, Mention
from storyline.narrate.summarize import SummaryOptions, summarize

A = (
    "Storm Alba flooded the harbour town of Kessel on Monday, forcing hundreds from their homes.\n"
    "Rescue teams worked through the night to reach families trapped by the rising water.\n"
    "The mayor said the flood barrier had failed after two days of heavy rain."
)
B = (
    "Storm Alba flooded the harbour town of Kessel on Monday and forced hundreds from homes.\n"
    "Insurers expect claims to exceed last year's record after the storm damage.\n"
    "By Staff Reporter"
)
C = (
    "The national weather office had warned of heavy rain across the coast for a week.\n"
    "Engineers will inspect the failed flood barrier in Kessel once the water recedes."
)


def _articles() -> list[Article]:
    return [
        Article("b", B, B, source="Paper", published="2021-03-02"),
        Article("a", A, A, source="Wire", published="2021-03-01"),
        Article("c", C, C, source="Daily", published="2021-03-03"),
    ]


def test_summary_is_cited_ordered_and_within_budget() -> None:
    articles = _articles()
    summary = summarize(articles, {}, SummaryOptions(max_words=50))
    assert summary.sentences
    assert summary.words <= 50
    texts = {a.id: a.text for a in articles}
    for sentence in summary.sentences:
        assert texts[sentence.article_id][sentence.start : sentence.end] == sentence.text
    keys = [(s.published or "", s.article_id, s.start) for s in summary.sentences]
    assert keys == sorted(keys)
    assert all("By Staff Reporter" not in s.text for s in summary.sentences)


def test_near_duplicate_lead_sentences_are_not_both_chosen() -> None:
    summary = summarize(_articles(), {}, SummaryOptions(max_words=None, max_sentences=4))
    leads = [s for s in summary.sentences if s.text.startswith("Storm Alba flooded")]
    assert len(leads) == 1
    assert len(summary.sentences) == 4


def test_sentence_budget_and_rank_order() -> None:
    summary = summarize(
        _articles(), {}, SummaryOptions(max_words=None, max_sentences=2, order="rank")
    )
    assert len(summary.sentences) == 2
    assert summary.sentences[0].text.startswith("Storm Alba flooded")


def test_entity_keys_join_differently_named_mentions() -> None:
    x = "Kessel mayor Anna Berg ordered the evacuation of the lower town."
    y = "Berg later thanked the volunteers who filled sandbags all night long."
    articles = [Article("x", x, x, source="S"), Article("y", y, y, source="T")]
    enrichments = {
        "x": Enrichment(
            "x", mentions=(Mention(13, 22, "Anna Berg", "PERSON", "person:anna berg"),)
        ),
        "y": Enrichment("y", mentions=(Mention(0, 4, "Berg", "PERSON", "person:anna berg"),)),
    }
    summary = summarize(articles, enrichments, SummaryOptions(max_sentences=2, max_words=None))
    assert {s.article_id for s in summary.sentences} == {"x", "y"}


def test_syndicated_copies_and_empty_input() -> None:
    copy = Article("a2", A, A, source="Reprint", duplicate_of="a")
    summary = summarize([*_articles(), copy], {}, SummaryOptions(max_sentences=6, max_words=None))
    assert all(s.article_id != "a2" for s in summary.sentences)
    assert summarize([], {}).sentences == ()


def test_options_are_validated() -> None:
    with pytest.raises(InputError, match="max_words or max_sentences"):
        SummaryOptions(max_words=None, max_sentences=None)
    with pytest.raises(InputError, match="'newest'"):
        SummaryOptions(order="newest")
