from __future__ import annotations

from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.models import Article, Enrichment, Entity, Figure, Mention, Quote, TimeExpr
from storyline.narrate.compare import CompareOptions, compare_sources, outlet_of
from storyline.narrate.compare_figures import compare_figures, figure_interval, quantity_key


def _figure(text: str, phrase: str, value: float, unit: str, qualifier: str, counts: str) -> Figure:
    start = text.index(phrase)
    return Figure(start, start + len(phrase), phrase, value, unit, qualifier, counts)


def _mention(text: str, phrase: str, key: str, label: str = "PERSON", nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Mention(start, start + len(phrase), phrase, label, key)


WIRE = (
    "The war has killed around 300,000 people since 2011, monitors said. "
    "Rebels shelled the city on Monday. "
    '"We will not give up," said Ahmad Khalil, a commander.'
)
PAPER = (
    "The conflict has killed more than 300,000 people, according to monitors. "
    "Opposition fighters shelled the city on Monday while the Syrian regime bombed Aleppo."
)
DAILY = "Officials said 400,000 people were killed in the war. The Syrian government denied it."


def _articles() -> tuple[list[Article], dict[str, Enrichment]]:
    wire = Article("w1", WIRE, WIRE, source="Wire", published="2016-09-05")
    paper = Article("p1", PAPER, PAPER, source="Paper", published="2016-09-06")
    daily = Article("d1", DAILY, DAILY, source="Daily", published="2016-09-07")
    quote_start = WIRE.index("We will")
    enrichments = {
        "w1": Enrichment(
            "w1",
            mentions=(_mention(WIRE, "Ahmad Khalil", "person:ahmad khalil"),),
            entities=(Entity("person:ahmad khalil", "Ahmad Khalil", "person"),),
            times=(
                TimeExpr(
                    WIRE.index("Monday"), WIRE.index("Monday") + 6, "Monday", "DATE", "2016-09-05"
                ),
            ),
            quotes=(
                Quote(
                    quote_start,
                    quote_start + len("We will not give up,"),
                    "We will not give up,",
                    "direct",
                    speaker="Ahmad Khalil",
                    speaker_entity="person:ahmad khalil",
                ),
            ),
            figures=(_figure(WIRE, "around 300,000 people", 300000, "people", "around", "killed"),),
        ),
        "p1": Enrichment(
            "p1",
            mentions=(
                _mention(PAPER, "Syrian", "group:syrian", "NORP"),
                _mention(PAPER, "Aleppo", "place:city:aleppo", "GPE"),
            ),
            entities=(Entity("group:syrian", "Syrian", "group"),),
            times=(
                TimeExpr(
                    PAPER.index("Monday"), PAPER.index("Monday") + 6, "Monday", "DATE", "2016-09-05"
                ),
            ),
            figures=(
                _figure(PAPER, "more than 300,000 people", 300000, "people", "more than", "killed"),
            ),
        ),
        "d1": Enrichment(
            "d1",
            mentions=(_mention(DAILY, "Syrian", "group:syrian", "NORP"),),
            figures=(_figure(DAILY, "400,000 people", 400000, "people", "", "killed"),),
        ),
    }
    return [wire, paper, daily], enrichments


def test_qualified_figures_are_consistent_and_distant_ones_conflict() -> None:
    around = Figure(0, 1, "", 300000, "people", "around", "killed")
    more = Figure(0, 1, "", 300000, "people", "more than", "killed")
    exact = Figure(0, 1, "", 300000, "people", "", "killed")
    other = Figure(0, 1, "", 400000, "people", "", "killed")
    close = Figure(0, 1, "", 310000, "people", "", "killed")
    assert compare_figures(around, more, approx=0.15, tolerance=0.1) == "consistent"
    assert compare_figures(exact, exact, approx=0.15, tolerance=0.1) == "agree"
    assert compare_figures(exact, other, approx=0.15, tolerance=0.1) == "conflict"
    assert compare_figures(exact, close, approx=0.15, tolerance=0.1) == "differ"
    assert compare_figures(more, other, approx=0.15, tolerance=0.1) == "consistent"
    fewer = Figure(0, 1, "", 250000, "people", "fewer than", "killed")
    assert compare_figures(fewer, more, approx=0.15, tolerance=0.1) == "conflict"
    assert (
        figure_interval(Figure(0, 1, "", 100, "civilians", "hundreds of", "killed"), 0.15).high
        == 1000
    )


def test_quantity_key_folds_synonyms_and_skips_uncounted_figures() -> None:
    dead = Figure(0, 1, "", 5, "persons", "", "dead")
    killed = Figure(0, 1, "", 5, "people", "", "killed")
    assert quantity_key(dead) == quantity_key(killed) == "people|killed"
    assert quantity_key(Figure(0, 1, "", 5, "civilians", "", "killed")) == "civilian|killed"
    assert quantity_key(Figure(0, 1, "", 2, "week", "", "")) is None
    assert quantity_key(Figure(0, 1, "", 20, "people", "a further", "killed")) is None


def test_matrix_cites_sentences_and_checks_figures() -> None:
    articles, enrichments = _articles()
    comparison = compare_sources(articles, enrichments, CompareOptions())
    assert comparison.outlets == ("Daily", "Paper", "Wire")
    texts = {a.id: a.text for a in articles}
    for fact in comparison.facts:
        for report in fact.reports:
            s = report.sentence
            assert texts[s.article_id][s.start : s.end] == s.text
            assert report.outlet == s.source
    killed = comparison.fact("figure:people|killed")
    assert killed.outlets == ("Daily", "Paper", "Wire")
    assert killed.first == ("Wire",) and killed.first_published == "2016-09-05"
    assert killed.verdict == "conflict"  # 400,000 is outside "around 300,000"
    (check,) = comparison.figure_checks
    verdicts = {frozenset((p.first.outlet, p.second.outlet)): p.verdict for p in check.pairs}
    assert verdicts[frozenset(("Wire", "Paper"))] == "consistent"
    assert verdicts[frozenset(("Wire", "Daily"))] == "conflict"
    assert verdicts[frozenset(("Paper", "Daily"))] == "consistent"  # "more than 300,000"
    matrix = comparison.matrix()
    assert set(matrix["time:2016-09-05"]) == {"Wire", "Paper"}
    assert matrix["quote:person:ahmad khalil"]["Wire"][0].sentence.text.startswith('"We will')


def test_views_list_exclusive_and_missing_facts() -> None:
    articles, enrichments = _articles()
    comparison = compare_sources(articles, enrichments)
    views = {v.outlet: v for v in comparison.views}
    assert "quote:person:ahmad khalil" in views["Wire"].exclusive
    assert "time:2016-09-05" in views["Daily"].missing  # both others report it
    assert "quote:person:ahmad khalil" not in views["Paper"].missing  # only one of two others
    assert views["Daily"].articles == ("d1",)


def test_wording_finds_outlet_specific_phrases_and_terms() -> None:
    articles, enrichments = _articles()
    comparison = compare_sources(articles, enrichments)
    words = {(w.outlet, w.kind, w.text) for v in comparison.views for w in v.wordings}
    assert ("Paper", "phrase", "Syrian regime") in words
    assert ("Daily", "phrase", "Syrian government") in words
    for view in comparison.views:
        for wording in view.wordings:
            example = wording.example
            text = next(a.text for a in articles if a.id == example.article_id)
            assert text[example.start : example.end] == example.text
            assert wording.others == 0


def test_outlet_falls_back_to_host_then_id() -> None:
    assert outlet_of(Article("a", "t", "t", source="  ")) == "unknown outlet (a)"
    assert outlet_of(Article("a", "t", "t", url="https://www.example.org/x")) == "example.org"


def test_syndicated_copies_do_not_agree_with_themselves() -> None:
    articles, enrichments = _articles()
    copy = Article("w2", WIRE, WIRE, source="Reprint", published="2016-09-06", duplicate_of="w1")
    comparison = compare_sources([*articles, copy], {**enrichments, "w2": enrichments["w1"]})
    assert "Reprint" not in comparison.outlets


def test_bad_options_name_the_value() -> None:
    with pytest.raises(InputError, match="tolerance"):
        CompareOptions(tolerance=2.0)
    with pytest.raises(InputError, match="'gossip'"):
        CompareOptions(kinds=frozenset({"gossip"}))


@pytest.mark.slow
def test_seed_death_tolls_are_consistent(shared_data: Path, tmp_path: Path) -> None:
    from storyline import load_settings, service

    seeds = shared_data / "seeds"
    settings = load_settings(
        {"db": str(tmp_path / "s.db"), "enrich.workers": 1, "ingest.workers": 1}
    )
    store = service.open_store(settings)
    others = [p for p in sorted(seeds.iterdir()) if p.name != "000_9f1ee6b32cca61eb.txt"]
    service.ingest(store, [str(p) for p in others], settings)
    options = service.IngestOptions(published="2016-10-15", source="Bloomberg")
    service.ingest(store, [str(seeds / "000_9f1ee6b32cca61eb.txt")], settings, options)
    service.enrich(store, settings)
    articles = list(service.list_articles(store))
    enrichments = {a.id: e for a in articles if (e := store.get_enrichment(a.id)) is not None}
    comparison = compare_sources(articles, enrichments)
    assert set(comparison.outlets) == {"TRT World", "Bloomberg"}
    killed = comparison.fact("figure:people|killed")
    assert killed.verdict == "consistent"
    details = {r.outlet: r.detail for r in killed.reports}
    assert "around 300,000" in details["TRT World"]
    assert "more than 300,000" in details["Bloomberg"]
    assert killed.first == ("TRT World",)


@pytest.mark.slow
def test_basil_events_show_what_each_outlet_alone_has(shared_data: Path, tmp_path: Path) -> None:
    import json
    from collections import defaultdict

    from storyline import load_settings, service
    from storyline.store.base import ArticleFilter

    path = shared_data / "cluster" / "basil" / "articles.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_event: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_event[record["event"]].append(record["id"])
    events = sorted(e for e, ids in by_event.items() if len(ids) >= 3)[:4]
    subset = tmp_path / "subset.jsonl"
    keep = {i for e in events for i in by_event[e]}
    subset.write_text(
        "\n".join(json.dumps(r) for r in records if r["id"] in keep) + "\n", encoding="utf-8"
    )
    settings = load_settings(
        {"db": str(tmp_path / "b.db"), "enrich.workers": 1, "ingest.workers": 1}
    )
    store = service.open_store(settings)
    service.ingest(store, [str(subset)], settings)
    service.enrich(store, settings)
    articles = list(service.list_articles(store, ArticleFilter(limit=None)))
    for event in events:
        group = [a for a in articles if a.labels.get("event") == event]
        enrichments = {a.id: e for a in group if (e := store.get_enrichment(a.id)) is not None}
        comparison = compare_sources(group, enrichments)
        assert len(comparison.outlets) == 3
        exclusive = sum(len(v.exclusive) for v in comparison.views)
        wordings = sum(len(v.wordings) for v in comparison.views)
        assert exclusive > 0 and wordings > 0
        shared = [f for f in comparison.facts if len(f.outlets) == 3]
        assert shared, f"event {event}: no fact reported by all three outlets"
