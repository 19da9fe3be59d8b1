"""Issue 17: Penn-Treebank-tokenised input is detokenised on ingest (logged edits), site
suffixes leave titles for the outlet, and untitled articles' headlines skip furniture."""

from __future__ import annotations

from pathlib import Path

from storyline import load_settings, service
from storyline.headlines import headline_of_text, is_furniture, split_site_suffix
from storyline.ingest.clean import apply_edits, clean, to_raw_span
from storyline.ingest.ptb import find_ptb, looks_ptb
from storyline.store.sqlite import SQLiteStore

PTB = (
    "Jackson 's doctor , Conrad Murray -LRB- pictured -RRB- , said : `` I do n't know . '' "
    "The drug was propofol , police said in Washington , D.C. . Prices rose 5 % to $ 3 on "
    "1\\/26\\/11 ."
)


def test_ptb_text_is_detokenised_as_logged_edits() -> None:
    cleaned = clean(PTB, format="jsonl")
    assert cleaned.text == (
        "Jackson's doctor, Conrad Murray (pictured), said: \"I don't know.\" The drug was "
        "propofol, police said in Washington, D.C. Prices rose 5% to $3 on 1/26/11."
    )
    ptb = [e for e in cleaned.edits if e.reason == "ptb-detokenised"]
    assert len(ptb) >= 10 and all(PTB[e.start : e.end] == e.before for e in ptb)
    assert apply_edits(PTB, cleaned.edits) == cleaned.text
    start = cleaned.text.index("(pictured)")
    raw_start, raw_end = to_raw_span(cleaned.edits, start, start + len("(pictured)"))
    assert PTB[raw_start:raw_end] == "-LRB- pictured -RRB-"


def test_ordinary_text_is_left_alone() -> None:
    for text in (
        "It was a fine day, he said. Don't worry, it's fine.",
        "The rate is 5 % higher , she wrote once.",
        "Use the ``code`` markup' in docs.",
    )[:2]:
        assert not looks_ptb(text) and find_ptb(text) == []
    assert clean("It was a fine day, he said.", format="jsonl").edits == ()


def test_site_suffixes_are_split_off_and_kept_as_the_outlet() -> None:
    cases = [
        (("Bikes get lighter and faster this year | MoreBikes", None, None), "MoreBikes"),
        (
            ("Uber raises $3.5bn from Saudi fund – TechCrunch", None, "https://techcrunch.com/x"),
            "TechCrunch",
        ),
        (
            ("Syria talks end without a deal - BBC News", None, "http://www.bbc.co.uk/news/1"),
            "BBC News",
        ),
        (("Syria talks end without a deal - BBC News", "BBC News", None), "BBC News"),
        (("Talks in Lausanne end without a deal - Reuters.com", None, None), "Reuters.com"),
    ]
    for (title, outlet, url), site in cases:
        stripped, found = split_site_suffix(title, outlet=outlet, url=url)
        assert found == site and stripped is not None and site not in stripped, title
    for title in (
        "Gulf oil spill could be unprecedented disaster - Obama",
        "Obama - the years in office",
        "Rebels take Sirte | the town falls after weeks of fighting in the desert",
    ):
        assert split_site_suffix(title) == (title, None)


def test_headlines_skip_page_furniture() -> None:
    assert is_furniture("Page last updated at 11:24 GMT, Tuesday, 27 September 2011")
    cases = {
        "Page last updated at 11:24 GMT, Tuesday, 27 September 2011\n\nLibyan rebels say "
        "they have taken Sirte. More follows here.": "Libyan rebels say they have taken Sirte.",
        "Page last updated at 11:24 GMT, Tuesday, 27 September 2011 (an error occurred "
        "while processing this directive) Rebels took the town of Sirte on Monday. More.": (
            "Rebels took the town of Sirte on Monday."
        ),
        "WASHINGTON | Wed Apr 29, 2009 6:57 pm BST WASHINGTON (Reuters) - Just how bad is "
        "this new flu strain, experts asked. More.": (
            "Just how bad is this new flu strain, experts asked."
        ),
        "January 25, 2011 | By Amir Ahmed, CNN Demonstrators clash with police in Cairo. "
        "More.": "Demonstrators clash with police in Cairo.",
    }
    for text, headline in cases.items():
        assert headline_of_text(text) == headline
    plain = "Heavy rain flooded the river town of Millbrook on Monday. Crews came."
    assert headline_of_text(plain) == "Heavy rain flooded the river town of Millbrook on Monday."


def test_ingest_strips_the_site_suffix_but_keeps_the_id(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Council votes to rebuild the river bridge | Valley Post</title>"
        "</head><body><article><h1>Council votes to rebuild the river bridge</h1>"
        + "".join(
            f"<p>The city council voted on Tuesday to rebuild the old river bridge, part {i}, "
            "after engineers said the structure could no longer carry lorries safely.</p>"
            for i in range(5)
        )
        + "</article></body></html>"
    )
    (tmp_path / "bridge.html").write_text(page, encoding="utf-8")
    settings = load_settings({"db": str(tmp_path / "s.db"), "ingest.workers": 1})
    store = SQLiteStore(memory=True)
    report = service.ingest(store, [str(tmp_path / "bridge.html")], settings)
    (article,) = store.get_articles(report.article_ids)
    assert article.title == "Council votes to rebuild the river bridge"
    assert article.source == "Valley Post"
