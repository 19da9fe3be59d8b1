from __future__ import annotations

from datetime import date

from storyline.cluster.features import (
    TITLE_BOOST,
    article_features,
    parse_day,
    tokenize,
)
from storyline.models import Article, Enrichment, Mention, Place, TimeExpr


def _article() -> Article:
    text = "Rebels shell Aleppo\nRebels shelled the city on Monday, officials said."
    return Article(
        id="x1",
        text=text,
        raw=text,
        title="Rebels shell Aleppo",
        published="2016-09-06T10:00:00+00:00",
        source="Wire",
    )


def _enrichment() -> Enrichment:
    return Enrichment(
        article_id="x1",
        mentions=(
            Mention(13, 19, "Aleppo", "GPE", "place:city:aleppo"),
            Mention(900, 906, "Aleppo", "GPE", "place:city:aleppo"),
            Mention(950, 955, "Assad", "PERSON", "person:bashar al-assad"),
            Mention(960, 965, "noise", "ORG", ""),
        ),
        times=(
            TimeExpr(48, 54, "Monday", "DATE", "2016-09-05", anchor="2016-09-06"),
            TimeExpr(60, 64, "2011", "DATE", "2011"),
            TimeExpr(70, 80, "three days", "DURATION", "P3D"),
            TimeExpr(90, 96, "Friday", "DATE", None),
        ),
        places=(Place(13, 19, "Aleppo", "Aleppo", "SY", "city"),),
    )


def test_tokenize_drops_stop_words_and_folds_plurals() -> None:
    assert tokenize("The rebels said they shelled 3 cities; it's the army's policies.") == [
        "rebel",
        "shelled",
        "city",
        "army",
        "policy",
    ]


def test_parse_day_reads_dates_and_datetimes_only() -> None:
    assert parse_day("2016-09-06T10:00:00+00:00") == date(2016, 9, 6).toordinal()
    assert parse_day("2016-09") is None
    assert parse_day(None) is None
    assert parse_day("2016-02-30") is None


def test_article_features_collects_every_signal() -> None:
    features = article_features(_article(), _enrichment())
    assert features.day == date(2016, 9, 6).toordinal()
    assert features.terms["aleppo"] == 1 + TITLE_BOOST
    assert features.terms["rebel"] == 2 + TITLE_BOOST
    # the title/lead mention counts twice, the late one once; unresolved mentions are skipped
    assert features.entities == {"place:city:aleppo": 3, "person:bashar al-assad": 1}
    assert features.event_days == (date(2016, 9, 5).toordinal(),)
    assert features.years == (2011, 2016)
    assert features.places == ("country:SY", "city:SY:aleppo")


def test_article_without_enrichment_has_words_only() -> None:
    features = article_features(_article(), None)
    assert features.entities == {} and features.event_days == () and features.places == ()
    assert features.terms


def test_lead_terms_and_numbers() -> None:
    lead = "Quake of 5.6 hits Qeshm\nA 5.6 quake hit Qeshm island, injuring 5 people."
    body = " Officials met." * 30 + " Rescuers put damage at 1,200,000 rials in 2008."
    text = lead + body
    article = Article(id="q1", text=text, raw=text, title="Quake of 5.6 hits Qeshm")
    features = article_features(article, None)
    assert features.lead_terms["qeshm"] == 2 + TITLE_BOOST
    assert "rescuer" in features.terms and "rescuer" not in features.lead_terms
    assert features.numbers == {"5.6": 2, "5": 1, "1,200,000": 1, "2008": 1}
