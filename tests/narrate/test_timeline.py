from __future__ import annotations

from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.models import Article, Enrichment, TimeExpr
from storyline.narrate.citations import Citation, sentence_spans
from storyline.narrate.timeline import (
    Timeline,
    TimelineOptions,
    build_timeline,
)


def _article(
    article_id: str, text: str, published: str | None, source: str = "Daily Example"
) -> Article:
    return Article(id=article_id, text=text, raw=text, published=published, source=source)


def _time(text: str, phrase: str, value: str | None, type: str = "DATE") -> TimeExpr:
    start = text.index(phrase)
    return TimeExpr(start, start + len(phrase), phrase, type, value)


def _corpus() -> tuple[list[Article], dict[str, Enrichment]]:
    one = (
        "The river bridge in Northtown collapsed on Monday after heavy storms hit the region.\n"
        "Engineers said the old bridge had been closed twice in February for repairs.\n"
        "Council members met on Tuesday to discuss a replacement bridge for the town."
    )
    two = (
        "Rescue teams searched the river for a second day on Tuesday near the fallen bridge.\n"
        "The bridge collapse on Monday cut the main road between the two river towns.\n"
        "Mr. Smith of the U.S. Geological Survey said more storms are expected soon."
    )
    three = (
        "Officials opened an inquiry into the collapse of the river bridge in Northtown.\n"
        "A ferry service between the two river towns will run until a new bridge opens."
    )
    articles = [
        _article("a1", one, "2021-03-09"),
        _article("a2", two, "2021-03-10", source="Evening Sample"),
        _article("a3", three, "2021-03-12"),
    ]
    enrichments = {
        "a1": Enrichment(
            "a1",
            times=(
                _time(one, "Monday", "2021-03-08"),
                _time(one, "February", "2021-02"),
                _time(one, "Tuesday", "2021-03-09"),
            ),
        ),
        "a2": Enrichment(
            "a2",
            times=(
                _time(two, "a second day", "P1D", "DURATION"),
                _time(two, "Tuesday", "2021-03-09"),
                _time(two, "Monday", "2021-03-08"),
                _time(two, "soon", "FUTURE_REF"),
            ),
        ),
        "a3": Enrichment("a3"),
    }
    return articles, enrichments


def _check_citations(timeline: Timeline, articles: list[Article]) -> None:
    texts = {a.id: a.text for a in articles}
    for entry in timeline.entries:
        for sentence in entry.sentences:
            assert texts[sentence.article_id][sentence.start : sentence.end] == sentence.text


def test_sentence_spans_respect_abbreviations_and_lines() -> None:
    text = "Mr. Smith met U.S. officials on Monday. They agreed.\nJohn F. Kennedy spoke."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith met U.S. officials on Monday.",
        "They agreed.",
        "John F. Kennedy spoke.",
    ]


def test_sentence_spans_end_an_acronym_sentence_before_a_new_one() -> None:
    text = "The talks moved to the U.S. The allies agreed."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The talks moved to the U.S.",
        "The allies agreed.",
    ]


def test_entries_are_dated_by_event_not_publication() -> None:
    articles, enrichments = _corpus()
    timeline = build_timeline(articles, enrichments, TimelineOptions(sentences_per_date=2))
    dates = [e.date for e in timeline.entries]
    assert dates == sorted(dates, key=lambda d: (d[:7], len(d)))
    assert "2021-03-08" in dates  # the collapse, reported on the 9th and 10th
    assert "2021-02" in dates  # month-level entry
    collapse = next(e for e in timeline.entries if e.date == "2021-03-08")
    assert all(s.dated_by == "expression" for s in collapse.sentences)
    assert {s.published for s in collapse.sentences} <= {"2021-03-09", "2021-03-10"}
    assert "collaps" in " ".join(s.text for s in collapse.sentences)
    _check_citations(timeline, articles)


def test_undated_lead_sentences_fall_back_to_publication_date() -> None:
    articles, enrichments = _corpus()
    timeline = build_timeline(articles, enrichments, TimelineOptions())
    fallback = [s for e in timeline.entries for s in e.sentences if s.dated_by == "published"]
    assert fallback
    for entry in timeline.entries:
        for sentence in entry.sentences:
            if sentence.dated_by == "published":
                assert sentence.article_id == "a3"
                assert entry.date in {"2021-03-12", "2021-03-11"}


def test_ranking_keeps_the_best_supported_dates() -> None:
    articles, enrichments = _corpus()
    # a later report names the collapse by its calendar date, looking back on it
    text = "The inquiry heard that the bridge collapsed on March 8 during the storms."
    articles.append(_article("a4", text, "2021-03-12", source="Copy Desk"))
    enrichments["a4"] = Enrichment("a4", times=(_time(text, "March 8", "2021-03-08"),))
    timeline = build_timeline(
        articles, enrichments, TimelineOptions(max_dates=2, granularities=frozenset({"day"}))
    )
    assert [e.date for e in timeline.entries] == ["2021-03-08", "2021-03-09"]
    # three articles name the collapse, one looking back: it outscores the council meeting
    # and the days known only from undated leads
    assert timeline.entries[0].score > timeline.entries[1].score
    assert all(len(e.sentences) == 1 for e in timeline.entries)


def test_date_range_limits_event_dates() -> None:
    articles, enrichments = _corpus()
    options = TimelineOptions(start="2021-03-09", end="2021-03-10")
    timeline = build_timeline(articles, enrichments, options)
    assert timeline.entries
    assert all("2021-03-09" <= e.date <= "2021-03-10" for e in timeline.entries)


def test_citation_carries_outlet_and_span() -> None:
    articles, enrichments = _corpus()
    timeline = build_timeline(articles, enrichments, TimelineOptions())
    sentence = timeline.entries[0].sentences[0]
    citation = sentence.citation
    assert isinstance(citation, Citation)
    assert (citation.article_id, citation.start, citation.end) == (
        sentence.article_id,
        sentence.start,
        sentence.end,
    )
    assert citation.source in {"Daily Example", "Evening Sample"}


def test_no_sentence_repeats_within_the_timeline() -> None:
    articles, enrichments = _corpus()
    copy = _article("a4", articles[0].text, "2021-03-09", source="Copy Desk")
    enrichments["a4"] = Enrichment("a4", times=enrichments["a1"].times)
    timeline = build_timeline([*articles, copy], enrichments, TimelineOptions(sentences_per_date=3))
    for entry in timeline.entries:
        texts = [s.text for s in entry.sentences]
        assert len(texts) == len(set(texts))


def test_syndicated_copies_count_once() -> None:
    articles, enrichments = _corpus()
    base = build_timeline(articles, enrichments, TimelineOptions())
    copy = Article(
        id="a5",
        text=articles[0].text,
        raw=articles[0].text,
        published="2021-03-09",
        duplicate_of="a1",
    )
    enrichments["a5"] = Enrichment("a5", times=enrichments["a1"].times)
    again = build_timeline([*articles, copy], enrichments, TimelineOptions())
    assert [(e.date, e.score) for e in again.entries] == [(e.date, e.score) for e in base.entries]


def test_keywords_select_articles_that_mention_them() -> None:
    articles, enrichments = _corpus()
    timeline = build_timeline(articles, enrichments, TimelineOptions(keywords=("ferry",)))
    cited = {s.article_id for e in timeline.entries for s in e.sentences}
    assert cited == {"a3"}


def test_keywords_split_camel_case_and_ignore_unknown_words() -> None:
    articles, enrichments = _corpus()
    plain = build_timeline(articles, enrichments, TimelineOptions())
    unknown = build_timeline(articles, enrichments, TimelineOptions(keywords=("Zeppelin",)))
    assert unknown == plain
    camel = build_timeline(articles, enrichments, TimelineOptions(keywords=("FerryService",)))
    assert {s.article_id for e in camel.entries for s in e.sentences} == {"a3"}


def test_relative_time_without_value_does_not_date_a_sentence() -> None:
    text = "The minister resigned on Friday after the vote in the council chamber."
    article = _article("x", text, None)
    enrichment = Enrichment("x", times=(_time(text, "Friday", None),))
    assert build_timeline([article], {"x": enrichment}, TimelineOptions()).entries == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "March 2021"),
        ("max_dates", 0),
        ("sentences_per_date", 0),
        ("granularities", frozenset({"decade"})),
    ],
)
def test_bad_options_are_rejected_with_the_value(field: str, value: object) -> None:
    with pytest.raises(InputError, match=field):
        TimelineOptions(**{field: value})  # type: ignore[arg-type]


# --- the seed articles -------------------------------------------------------------------

_SEED_DATES = (
    "2016-02",  # the cessation of hostilities that unravelled
    "2016-08-26",  # Geneva
    "2016-09-04",  # Aleppo encircled, a deal looked likely
    "2016-09-05",  # Hangzhou talks fail, Obama and Putin meet
    "2016-09-18",  # the expected UN General Assembly meeting
    "2016-10-14",  # Assad's interview published
    "2016-10-15",  # Lausanne talks
)


@pytest.mark.slow
def test_seed_timeline_has_the_dates_of_both_articles(shared_data: Path, tmp_path: Path) -> None:
    from storyline import load_settings, service
    from storyline.store.base import ArticleFilter

    seeds = shared_data / "seeds"
    bloomberg = seeds / "000_9f1ee6b32cca61eb.txt"
    trt = seeds / "002_f7bcbbc1a212b420.txt"
    if not (bloomberg.is_file() and trt.is_file()):
        pytest.skip("the seed articles are not present")
    settings = load_settings({"db": str(tmp_path / "seeds.db"), "enrich.stages": "timex"})
    store = service.open_store(settings)
    try:
        service.ingest(
            store, [str(bloomberg)], settings, service.IngestOptions(published="2016-10-15")
        )
        service.ingest(store, [str(trt)], settings)
        service.enrich(store, settings)
        articles = list(service.list_articles(store, ArticleFilter(limit=None)))
        enrichments = {
            a.id: e for a in articles if (e := service.get_enrichment(store, a.id)) is not None
        }
    finally:
        store.close()
    assert len(articles) == 2 and len(enrichments) == 2
    timeline = build_timeline(articles, enrichments, TimelineOptions())
    by_date = {e.date: e for e in timeline.entries}
    missing = [d for d in _SEED_DATES if d not in by_date]
    assert not missing, f"missing dates {missing}; got {sorted(by_date)}"
    texts = {a.id: a.text for a in articles}
    for day in _SEED_DATES:
        for sentence in by_date[day].sentences:
            assert texts[sentence.article_id][sentence.start : sentence.end] == sentence.text
            assert sentence.text.strip() == sentence.text


def test_comment_lines_and_update_stamps_are_not_timeline_sentences() -> None:
    comment = "March 8 , 2021 at 5:12 pm | Reply I think the bridge was badly built anyway ."
    stamped = "-LRB- Update 8:14 a.m. Monday -RRB- Divers searched the river below the bridge ."
    report = "The river bridge in Northtown collapsed on Monday after heavy storms hit ."
    text = "\n".join([comment, stamped, report])
    article = _article("c1", text, "2021-03-08")
    other = _article("c2", "Officials opened an inquiry into the collapse of the bridge .", None)
    times = (
        _time(text, "March 8 , 2021", "2021-03-08"),
        _time(text, "5:12 pm", "2021-03-08T17:12", "TIME"),
        _time(text, "8:14 a.m. Monday", "2021-03-08T08:14", "TIME"),
        _time(text, "on Monday", "2021-03-08"),
    )
    timeline = build_timeline(
        [article, other],
        {"c1": Enrichment("c1", times=times)},
        TimelineOptions(sentences_per_date=3),
    )
    cited = [s.text for e in timeline.entries for s in e.sentences]
    assert cited == [report]


def test_dates_of_off_topic_pages_do_not_outrank_the_story() -> None:
    story = [
        "The river bridge in Northtown collapsed after storms , engineers said on Monday .",
        "Engineers inspected the collapsed river bridge in Northtown for cracks .",
        "The collapsed river bridge cut the road from Northtown , engineers said .",
        "Engineers said the river bridge in Northtown had cracks before it collapsed .",
        "Storms and cracks brought down the river bridge , Northtown engineers said .",
    ]
    schedules = [
        "Listen to the jazz hour with a guest pianist on Friday evening at the hall .",
        "Our quiz show returns with two new teams of students on Friday night .",
    ]
    articles = [_article(f"s{i}", text, None) for i, text in enumerate(story)]
    articles += [_article(f"o{i}", text, None) for i, text in enumerate(schedules)]
    enrichments = {"s0": Enrichment("s0", times=(_time(story[0], "on Monday", "2021-03-08"),))}
    for i, text in enumerate(schedules):
        enrichments[f"o{i}"] = Enrichment(f"o{i}", times=(_time(text, "on Friday", "2021-03-12"),))
    options = TimelineOptions(max_dates=1, start="2021-03-01", end="2021-03-31")
    timeline = build_timeline(articles, enrichments, options)
    assert [e.date for e in timeline.entries] == ["2021-03-08"]
