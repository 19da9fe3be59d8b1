"""Time expressions: recognition spans, TIMEX3 types and values, tense, late resolution."""

from __future__ import annotations

import pytest

from storyline.enrich.timex.extract import find_times, resolve_times
from storyline.errors import InputError
from storyline.models import TimeExpr

TUESDAY = "2016-09-06"  # a Tuesday
SATURDAY = "2016-10-15"  # a Saturday


def _one(text: str, published: str | None, phrase: str) -> TimeExpr:
    times = find_times(text, published)
    for time in times:
        assert text[time.start : time.end] == time.text
    found = [t for t in times if t.text == phrase]
    assert found, f"{phrase!r} not found in {[t.text for t in times]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("The minister resigned on Monday after the vote.", "Monday", "2016-09-05"),
        ("Protests began on Sunday in the capital.", "Sunday", "2016-09-04"),
        (
            "The two leaders are likely to meet in Geneva from September 18.",
            "September 18",
            "2016-09-18",
        ),
        ("The company was founded in February by two engineers.", "February", "2016-02"),
        ("The war began in March 2011 with peaceful protests.", "March 2011", "2011-03"),
        ("The ceasefire was agreed on August 26 by both sides.", "August 26", "2016-08-26"),
        ("The talks will resume on Friday in Vienna.", "Friday", "2016-09-09"),
        ("Prices fell yesterday on all markets.", "yesterday", "2016-09-05"),
        ("The mayor was elected two years ago.", "two years ago", "2014"),
        ("Production will start next month.", "next month", "2016-10"),
        ("The plant closed in the 1990s.", "the 1990s", "199"),
        ("Sales rose in the third quarter.", "the third quarter", "2016-Q3"),
        ("The treaty was signed September 5, 2016, in Paris.", "September 5, 2016", "2016-09-05"),
    ],
)
def test_dates_resolve_against_a_tuesday_publication(text: str, phrase: str, value: str) -> None:
    time = _one(text, TUESDAY, phrase)
    assert time.type == "DATE"
    assert time.value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Thousands marched on Saturday through the city.", "Saturday", "2016-10-15"),
        ("The report, published Friday, names six suspects.", "Friday", "2016-10-14"),
        ("The army said last week that the town had fallen.", "last week", "2016-W40"),
    ],
)
def test_dates_resolve_against_a_saturday_publication(text: str, phrase: str, value: str) -> None:
    assert _one(text, SATURDAY, phrase).value == value


@pytest.mark.parametrize(
    ("text", "phrase", "kind", "value"),
    [
        ("Output grew in the past three years.", "the past three years", "DURATION", "P3Y"),
        ("The flight lasted five hours.", "five hours", "DURATION", "PT5H"),
        ("The strike lasted about two weeks.", "about two weeks", "DURATION", "P2W"),
        ("Rates are now higher than before.", "now", "DATE", "PRESENT_REF"),
        ("He recently moved to Berlin.", "recently", "DATE", "PAST_REF"),
        ("The paper appears weekly in print.", "weekly", "SET", "P1W"),
        ("The council meets every Thursday at the hall.", "every Thursday", "SET", "XXXX-WXX-4"),
        (
            "The polls will close at 10 p.m. Wednesday.",
            "10 p.m. Wednesday",
            "TIME",
            "2016-09-07T22:00",
        ),
        ("Shots were heard this morning downtown.", "this morning", "TIME", "2016-09-06TMO"),
    ],
)
def test_types_and_values(text: str, phrase: str, kind: str, value: str) -> None:
    time = _one(text, TUESDAY, phrase)
    assert (time.type, time.value) == (kind, value)


def test_modifier_is_kept_as_timeml_mod() -> None:
    time = _one("The siege lasted more than four hours.", TUESDAY, "more than four hours")
    assert time.mod == "MORE_THAN"


def test_relative_anchor_records_publication_date() -> None:
    assert _one("It rained on Monday.", TUESDAY, "Monday").anchor == TUESDAY
    assert _one("It rained in March 2011.", TUESDAY, "March 2011").anchor is None


def test_prepositions_stay_outside_the_span() -> None:
    time = _one("Prices have doubled for years in the region.", TUESDAY, "years")
    assert time.value == "PXY"


def test_words_containing_time_words_are_not_matched() -> None:
    assert find_times("They know nothing of the snowfall.", TUESDAY) == ()


def test_without_publication_date_relative_expressions_stay_unresolved() -> None:
    text = "The rebels attacked on Monday, a year after the March 2011 uprising."
    times = find_times(text, None)
    monday = next(t for t in times if t.text == "Monday")
    march = next(t for t in times if t.text == "March 2011")
    assert monday.value is None and monday.anchor is None
    assert march.value == "2011-03"


def test_resolve_times_fills_unresolved_values() -> None:
    text = "The rebels attacked on Monday and will withdraw on Friday; in March 2011 they fled."
    resolved = resolve_times(find_times(text, None), TUESDAY, text)
    values = {t.text: t.value for t in resolved}
    assert values == {"Monday": "2016-09-05", "Friday": "2016-09-09", "March 2011": "2011-03"}
    assert all(t.anchor == TUESDAY for t in resolved if t.text != "March 2011")


def test_resolve_times_without_text_uses_defaults() -> None:
    resolved = resolve_times(find_times("Talks ended last week.", None), SATURDAY)
    assert [t.value for t in resolved] == ["2016-W40"]


def test_bad_publication_date_is_an_input_error() -> None:
    with pytest.raises(InputError, match="yesterday-ish"):
        find_times("On Monday.", "yesterday-ish")


def test_publication_datetime_is_accepted() -> None:
    assert _one("It rained on Monday.", "2016-09-06T10:00:00+02:00", "Monday").value == (
        "2016-09-05"
    )


def test_holidays_resolve_in_the_publication_year() -> None:
    text = "Stores opened early on Thanksgiving Day and will close on Christmas."
    values = {t.text: t.value for t in find_times(text, "1999-12-01")}
    assert values == {"Thanksgiving Day": "1999-11-25", "Christmas": "1999-12-25"}


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("He fled in June 1998 and returned later that year.", "later that year", "1998"),
        (
            "The clinic was bombed on Oct. 23, 2001. Earlier that day, police",
            "Earlier that day",
            "2001-10-23",
        ),
        (
            "He was promoted in May 1995, and the following year he left.",
            "the following year",
            "1996",
        ),
        (
            "The firm was sold in March 1989. The following month, it closed.",
            "The following month",
            "1989-04",
        ),
        ("Talks opened on July 4, 1990, and resumed the next day.", "the next day", "1990-07-05"),
        (
            "The name was crossed out in October 1998 and removed that same day.",
            "that same day",
            "1998-10-XX",
        ),
    ],
)
def test_references_back_resolve_against_the_last_mentioned_date(
    text: str, phrase: str, value: str
) -> None:
    assert _one(text, TUESDAY, phrase).value == value


def test_reference_back_without_earlier_date_uses_publication_date() -> None:
    assert _one("Police came that day to the house.", TUESDAY, "that day").value == TUESDAY


def test_reference_back_without_any_date_stays_unresolved() -> None:
    time = _one("Police came that day to the house.", None, "that day")
    assert time.value is None
    resolved = resolve_times((time,), TUESDAY, "Police came that day to the house.")
    assert resolved[0].value == TUESDAY


def test_passive_participle_is_not_a_past_cue() -> None:
    text = "The summit will still be held on April 24 in Washington."
    assert _one(text, "1999-02-10", "April 24").value == "1999-04-24"


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Mr. Smith, 52 years old, will succeed him.", "52 years"),
        ("The index closed at 2082.1 points.", "2082"),
        ("They showed a still from the film High Noon yesterday.", "Noon"),
    ],
)
def test_not_time_expressions(text: str, absent: str) -> None:
    assert absent not in [t.text for t in find_times(text, TUESDAY)]


def test_year_ranges_with_to_are_two_years() -> None:
    texts = [t.text for t in find_times("He was cited from 1991 to 1997.", TUESDAY)]
    assert texts == ["1991", "1997"]


def test_clock_with_world_time_takes_the_following_day() -> None:
    text = "The blast occurred at 10:35 a.m. (0735 GMT) Friday in the capital."
    assert _one(text, "1998-08-08", "10:35 a.m.").value == "1998-08-07T10:35"


def test_week_of_a_date_is_that_week() -> None:
    time = _one("A hearing is set for the week of March 6.", "2000-02-24", "the week of March 6")
    assert time.value == "2000-W10"


@pytest.mark.parametrize(
    ("text", "phrase", "kind", "value"),
    [
        ("Net income for the year ended June 30 rose.", "the year", "DURATION", "P1Y"),
        ("Sales for the full year were $6 billion.", "the full year", "DATE", "2016"),
    ],
)
def test_the_year_in_company_reports(text: str, phrase: str, kind: str, value: str) -> None:
    time = _one(text, TUESDAY, phrase)
    assert (time.type, time.value) == (kind, value)


FEBRUARY = "2016-02-10"  # a Wednesday


@pytest.mark.parametrize(
    ("text", "published", "phrase", "value"),
    [
        # a noun "plans" is no future cue
        ("On Friday, when the mayor dropped her holiday plans, crowds formed.", TUESDAY,
         "Friday", "2016-09-02"),
        # a plan that lay in the past points back
        ("The bid had been due to lapse Friday, the firm said.", TUESDAY, "Friday", "2016-09-02"),
        # "until" sets a deadline ahead, unless the clause is past perfect
        ("The court gave the parties until Thursday to reply.", TUESDAY, "Thursday",
         "2016-09-08"),
        ("Until Monday, the police had not named a suspect.", TUESDAY, "Monday", "2016-09-05"),
        # in February the year's autumn is still ahead: "last fall" is the year before
        ("Hiring picked up last fall, the agency said.", FEBRUARY, "last fall", "2015-FA"),
        ("Rents rose over the past year in most towns.", TUESDAY, "the past year", "2015"),
        ("Revenue was flat in the latest fiscal year.", TUESDAY, "the latest fiscal year", "2015"),
        ("The summit meets on June 8 and 9 in Oslo.", TUESDAY, "9", "2016-06-09"),
        ("Crowds gathered in the summer of 2004 near the river.", TUESDAY, "the summer of 2004",
         "2004-SU"),
    ],
)  # fmt: skip
def test_tense_seasons_and_calendar_phrases(
    text: str, published: str, phrase: str, value: str
) -> None:
    time = _one(text, published, phrase)
    assert time.type == "DATE"
    assert time.value == value


def test_a_year_named_before_quarter_is_the_reported_quarter_of_that_year() -> None:
    text = "Profit rose in the quarter, against a loss in the 2015 quarter."
    assert _one(text, "2016-10-20", "the 2015 quarter").value == "2015-Q3"


@pytest.mark.parametrize(
    ("text", "phrase", "kind", "value"),
    [
        ("Two days later, the bridge reopened.", "Two days", "DURATION", "P2D"),
        ("The alarm rang for a minute and a half.", "a minute and a half", "DURATION", "PT1M30S"),
        ("The convoy will leave at 5 in the morning.", "5 in the morning", "TIME",
         "2016-09-06T05:00"),
    ],
)  # fmt: skip
def test_durations_and_spoken_clock_times(text: str, phrase: str, kind: str, value: str) -> None:
    time = _one(text, TUESDAY, phrase)
    assert (time.type, time.value) == (kind, value)


@pytest.mark.parametrize(
    "text",
    [
        "Thousands joined the annual March for Peace downtown.",
        "The senator appeared on the show 48 Hours to defend the bill.",
    ],
)
def test_names_that_look_like_times_are_not_times(text: str) -> None:
    assert find_times(text, TUESDAY) == ()


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Now, the spokesman said, the plan has changed.", "Now"),
        ('"Now, we wait," she said.', "Now"),
        ("Music shapes today's youth more than ever.", "today"),
        ("Phones power today's global economy.", "today"),
    ],
)
def test_discourse_now_and_generic_today_are_not_times(text: str, absent: str) -> None:
    assert absent not in [t.text for t in find_times(text, TUESDAY)]


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Prices are now higher, the agency said.", "now", "PRESENT_REF"),
        ("The board meets again now, the chairman said.", "now", "PRESENT_REF"),
        ("Today's meeting was cancelled.", "Today", TUESDAY),
    ],
)
def test_present_now_and_specific_today_stay_times(text: str, phrase: str, value: str) -> None:
    assert _one(text, TUESDAY, phrase).value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("The town has been divided for decades.", "decades", "PXY"),
        ("It ended a decades-long feud.", "decades-long", "PXY"),
        ("The feud lasted two decades.", "two decades", "P20Y"),
        ("The church stood for centuries.", "centuries", "PXC"),
    ],
)
def test_decades_are_counted_in_years(text: str, phrase: str, value: str) -> None:
    assert _one(text, TUESDAY, phrase).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The fire broke out on March 3, 2015. It was put out at 10 p.m. by crews.",
         "2015-03-03T22:00"),
        ("On Friday the crowd grew. By noon the square was full.", "2016-09-02T12:00"),
        ("The report came out in March 2015. Crews left at 10 p.m. with gear.", "2016-09-06T22:00"),
        ("Crews left at 10 p.m. with their gear.", "2016-09-06T22:00"),
    ],
)  # fmt: skip
def test_bare_clock_times_take_the_day_last_spoken_of(text: str, value: str) -> None:
    clock = next(t for t in find_times(text, TUESDAY) if t.type == "TIME")
    assert clock.value == value


@pytest.mark.parametrize(
    ("text", "published", "phrase", "value"),
    [
        ("Pilgrims gathered as Easter week began.", "2000-04-17", "Easter week", "2000-W16"),
        ("Shops will close on Good Friday.", "2016-03-01", "Good Friday", "2016-03-25"),
        ("The church was full last Easter.", TUESDAY, "last Easter", "2016-03-27"),
        ("Markets reopen on Easter Monday.", "2019-04-10", "Easter Monday", "2019-04-22"),
    ],
)
def test_easter_cycle_feasts(text: str, published: str, phrase: str, value: str) -> None:
    assert _one(text, published, phrase).value == value


def test_easter_island_is_a_place() -> None:
    assert find_times("They sailed to Easter Island.", TUESDAY) == ()


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("They left their third day-long meeting.", "day-long", "P1D"),
        ("A year-long inquiry ended.", "year-long", "P1Y"),
        ("A two-hour-long hearing ended.", "two-hour-long", "PT2H"),
    ],
)
def test_unit_long_adjectives_are_one_unit(text: str, phrase: str, value: str) -> None:
    assert _one(text, TUESDAY, phrase).value == value


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("The day before last Tuesday's hearing, he met them.", "The day before last Tuesday",
         "2016-08-29"),
        ("Stores reopened the day after Christmas.", "the day after Christmas", "2015-12-26"),
        ("He left the day before March 3, 2015.", "the day before March 3, 2015", "2015-03-02"),
    ],
)  # fmt: skip
def test_the_day_before_or_after_a_named_day(text: str, phrase: str, value: str) -> None:
    assert _one(text, TUESDAY, phrase).value == value


def test_annually_is_a_set_of_recurring_events() -> None:
    time = _one("The parade is held here annually in May.", TUESDAY, "annually")
    assert (time.type, time.value) == ("SET", "P1Y")


@pytest.mark.parametrize(
    "text",
    [
        "Sales should rise 8% annually through 2020.",
        "The cut saves $4 million annually.",
        "The firm has been doubling its profits annually.",
    ],
)
def test_annual_rates_are_not_sets(text: str) -> None:
    assert "annually" not in [t.text for t in find_times(text, TUESDAY)]


def test_a_distant_tense_cue_decides_when_none_is_near() -> None:
    text = (
        "The envoy will fly for sixteen hours to reach the capital of the island nation, "
        "her first stop this month, on Thursday, and then go on to the coast."
    )
    assert _one(text, TUESDAY, "Thursday").value == "2016-09-08"


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Guards will watch the gate 24 hours a day from now on.", "24 hours"),
        ("Guards will watch the gate 24 hours a day from now on.", "a day"),
        ("The shop is open seven days a week.", "seven days"),
        ("The shop is open seven days a week.", "a week"),
    ],
)
def test_round_the_clock_idioms_are_not_times(text: str, absent: str) -> None:
    assert absent not in [t.text for t in find_times(text, TUESDAY)]


def test_a_length_and_a_frequency_stay_times() -> None:
    texts = [t.text for t in find_times("She trains three hours a day.", TUESDAY)]
    assert "three hours" in texts


def test_recently_before_another_time_is_not_a_time_of_its_own() -> None:
    texts = [t.text for t in find_times("Two mayors quit, most recently last June.", TUESDAY)]
    assert texts == ["last June"]


def test_recently_alone_is_the_past() -> None:
    time = _one("The firm recently hired a new chief.", TUESDAY, "recently")
    assert time.value == "PAST_REF"


def test_dawn_breaking_is_an_event_not_a_time() -> None:
    texts = [t.text for t in find_times("Rescuers dug on as dawn broke over the town.", TUESDAY)]
    assert "dawn" not in texts


def test_dawn_as_a_time_of_day_stays() -> None:
    assert _one("The troops moved at dawn on Friday.", TUESDAY, "dawn on Friday").type == "TIME"


def test_a_fronted_month_takes_the_tense_of_a_late_main_verb() -> None:
    text = (
        "In January, a week after the second anniversary of the Smith vs. Jones ruling "
        "on water rights in the northern valleys, a storm near the old mill destroyed the bridge."
    )
    assert _one(text, "2016-10-20", "January").value == "2016-01"


def test_a_title_does_not_end_the_sentence_for_tense() -> None:
    text = "The bill will go to Gov. Brown on Friday."
    assert _one(text, TUESDAY, "Friday").value == "2016-09-09"
