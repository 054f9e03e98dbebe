"""Extractors: dates, counts, places, names, claim polarity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.engine import Engine
from index.lexicon import CorpusProfile, Lexicon, english
from index.text import split_sentences
from index.values import counts_agree, same_person_name
from index.values_dates import dates_compatible
from index.values_lengths import lengths_agree
from index.values_things import things_agree

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FACTS = Lexicon(english(), CorpusProfile.load(SEEDS)).facts
BARE = Lexicon(english()).facts  # English only: no corpus profile
ENGINE = Engine.from_folder(SEEDS)
extract_dates = FACTS.dates
extract_counts = FACTS.counts
extract_places = FACTS.places
extract_names = FACTS.names
misspelling_flags = FACTS.misspelling_flags
noun_matches = FACTS.noun_matches
split_clauses = FACTS.clauses
clause_polarity = FACTS.polarity


def question_slot(question: str):
    return ENGINE.parse(question).slot


def test_and_what_for_asks_the_reason_of_what_came_before() -> None:
    parts = ENGINE.parse("Who called the police to the picket line, and what for?").parts
    assert [p.slot.kind.value if p.slot else None for p in parts] == ["person", "why"]


def test_a_part_asking_only_about_him_asks_about_who_the_part_before_named() -> None:
    first, second = ENGINE.parse("did the sheriff get charged with anything? and how old is he even").parts
    assert second.slot is not None and second.slot.kind.value == "age"
    assert second.terms == first.terms  # "even" is emphasis, not a subject of its own


def one_date(text: str):
    ds = extract_dates(text)
    assert len(ds) == 1, ds
    return ds[0]


# --- dates ------------------------------------------------------------------------------


def test_range_is_one_value() -> None:
    v = one_date("On 8-9 May 2025, an ICE agent arrested a woman")
    assert (v.year, v.months, v.days) == (2025, (5, 5), (8, 9))
    assert v.display() == "May 8\u20139, 2025"


def test_same_date_written_three_ways_is_compatible() -> None:
    a = one_date("On May 8, 2025, agents arrived")
    b = one_date("on 8 May 2025 agents arrived")
    c = one_date("It happened on Thursday, May 8.")
    assert a.display() == b.display() == "May 8, 2025"
    assert c.year is None  # no year is invented
    assert dates_compatible(a, b) and dates_compatible(a, c) and dates_compatible(b, c)


def test_wrong_weekday_conflicts_with_full_date() -> None:
    friday = one_date("It happened on Friday, May 8.")
    assert not dates_compatible(friday, one_date("On May 8, 2025"))


def test_coarser_date_is_not_different() -> None:
    assert dates_compatible(one_date("in May 2025"), one_date("On May 8, 2025"))
    assert dates_compatible(one_date("in 2025"), one_date("On May 8, 2025"))
    assert dates_compatible(one_date("On 8-9 May 2025"), one_date("On May 8, 2025"))


def test_different_dates_conflict() -> None:
    assert not dates_compatible(one_date("In July 2024, an incident"), one_date("On May 8, 2025"))
    assert not dates_compatible(one_date("in early 2023"), one_date("On May 8, 2025"))


def test_missing_year_only_compares_what_is_given() -> None:
    may8 = one_date("agents came on May 8")
    assert may8.year is None and may8.interval() is None
    assert dates_compatible(may8, one_date("On May 8, 2024"))
    assert not dates_compatible(may8, one_date("In July 2024"))


@pytest.mark.parametrize(
    ("text", "weekday"),
    [
        ("beach maybe back open fri the 15th", 4),
        ("Sat. afternoon ppl went in", 5),
        ("[Sun 1:00 PM] admin: locking this", 6),
        ("tues 6:30 town hall, special meeting", 1),
        ("we sat on the sand all day", None),
        ("the sun came out and we swam", None),
    ],
)
def test_a_short_weekday_is_read_where_it_cannot_be_another_word(text: str, weekday: int | None) -> None:
    assert [d.weekday for d in extract_dates(text)] == ([] if weekday is None else [weekday])


def test_report_date_is_not_an_event_date() -> None:
    assert extract_dates("Published May 10, 2025 at 9:00 a.m.") == []
    assert extract_dates("Issued: March 13, 2025, 2:30 p.m.") == []
    assert extract_dates("Updated: June 2, 2025") == []
    assert extract_dates("© 2025 Harnshire Echo") == []
    # the same words telling of an event date it
    advisory = extract_dates("The department issued an advisory and the town closed the beach on Monday, August 4.")
    assert [d.days for d in advisory] == [(4, 4)]


@pytest.mark.parametrize(
    ("sentence", "ahead"),
    [
        ("Police confirmed the footage would be released Friday afternoon.", True),
        ("A hearing is scheduled for May 20.", True),
        ("Agents arrested a woman on Eureka Street on Thursday.", False),
    ],
)
def test_a_date_still_to_come_is_no_date_of_what_happened(sentence: str, ahead: bool) -> None:
    assert BARE.future(sentence) is ahead


def test_times_of_day() -> None:
    evening = one_date("on Thursday evening, protesters gathered")
    four = one_date("at 4 p.m. on Thursday")
    assert not dates_compatible(evening, four)
    five = one_date("at 5 p.m. on Thursday")
    assert dates_compatible(evening, five)
    other_day = one_date("at 4 p.m. on Friday")
    assert not dates_compatible(evening, other_day)


def test_noon_agrees_with_noon_and_shows_as_noon() -> None:
    noon = one_date("Shortly before noon, the sheriff ordered his deputies to leave.")
    assert noon.display() == "noon"
    assert dates_compatible(noon, one_date("Shortly before noon the sheriff's office called off the lockout."))
    assert dates_compatible(noon, one_date("The last vehicle pulled away at 11:50 a.m."))
    assert not dates_compatible(noon, one_date("That night the deputies left."))


@pytest.mark.parametrize(
    ("sentence", "hour"),
    [
        ("The surge happened shortly after 9.40pm.", 21 + 40 / 60),
        ("At approximately 21:40, a build-up of people formed.", 21 + 40 / 60),
        ("The road reopened at 07:15 on Sunday.", 7.25),
        ("Police arrived at 9:05 a.m.", 9 + 5 / 60),
    ],
)
def test_clock_times_in_british_and_24_hour_forms(sentence: str, hour: float) -> None:
    hours = one_date(sentence).hours
    assert hours is not None and hours[0] == pytest.approx(hour)


@pytest.mark.parametrize(
    ("sentence", "hour", "either", "shown"),
    [
        ("It all kicked off at the gate, just gone half ten.", 10.5, True, "half ten"),
        ("The crush at the gate on Sunday night, around half ten.", 22.5, False, "Sunday 10:30 p.m."),
        ("We left at quarter to nine.", 8.75, True, "quarter to nine"),
        ("By ten o'clock the park was empty.", 10.0, True, "ten o'clock"),
        ("The gates shut at half past 11 that evening.", 23.5, False, "11:30 p.m."),
    ],
)
def test_clock_times_said_in_words(sentence: str, hour: float, either: bool, shown: str) -> None:
    value = one_date(sentence)
    assert value.hours is not None and value.hours[0] == pytest.approx(hour)
    assert value.either_half is either and value.display() == shown


def test_a_time_without_am_or_pm_agrees_with_either_half_of_the_day() -> None:
    half_ten = one_date("It all kicked off just gone half ten.")
    assert dates_compatible(half_ten, one_date("The surge happened at 10.30pm."))
    assert dates_compatible(half_ten, one_date("Police arrived at 10:30 a.m."))
    assert not dates_compatible(half_ten, one_date("The trouble started around 8pm."))


@pytest.mark.parametrize(
    "sentence",
    [
        "Half the crowd left early.",
        "Half of ten people said no.",
        "One in ten o-rings failed.",
        "Ridership fell by a quarter to 3,000 people.",
        "Sales rose by a quarter to 12 million.",
        "a quarter to two thirds of the budget",
        "In the second half two goals were scored.",
    ],
)
def test_half_and_quarter_that_are_not_times(sentence: str) -> None:
    assert all(v.hours is None for v in extract_dates(sentence))


@pytest.mark.parametrize("sentence", ["As John 3:16 says, love one another.", "They won 21:19 at home.", "A 2:1 mix."])
def test_scores_ratios_and_verses_are_not_times(sentence: str) -> None:
    assert all(v.hours is None for v in extract_dates(sentence))


@pytest.mark.parametrize(
    ("line", "noun"),
    [
        ("- Homes disconnected across town: 212", "homes"),
        ("Arrests at Tanner Street: 3", "arrests"),
        ("The score: 3", "score"),
    ],
)
def test_a_fact_box_line_counts_what_its_label_names(line: str, noun: str) -> None:
    (value,) = FACTS.counts(line)
    assert value.noun == noun


def test_increments_and_later_events() -> None:
    assert FACTS.counts("Two more people were arrested.")[0].increment
    assert FACTS.counts("Police arrested another 3 people.")[0].increment
    assert not FACTS.counts("More than 40 people gathered.")[0].increment
    assert not FACTS.counts("Two people were arrested.")[0].increment
    assert FACTS.opens_other_event("A week later, a second confrontation broke out at the courthouse.")
    assert FACTS.opens_other_event("In a separate incident, police arrested a man.")
    assert not FACTS.opens_other_event("A second woman was detained, and another 2 people ran.")
    assert not FACTS.opens_other_event("They came back another day, for the third time.")


def test_since_and_short_years() -> None:
    v = one_date("Essex County's elected sheriff since 2017, Coppinger")
    assert v.since and v.year == 2017
    jan = one_date("| Chelsea | Jan '23 | 4 | 2 |")
    assert (jan.year, jan.months) == (2023, (1, 1))


def test_no_dates_in_numbers() -> None:
    assert extract_dates("Use MigraWatch (1-844-363-1423) to alert advocates.") == []
    assert extract_dates("ICE may arrest 10 people.") == []


@given(st.integers(2000, 2030), st.integers(1, 12), st.integers(1, 28))
def test_written_forms_agree(year: int, month: int, day: int) -> None:
    import calendar

    name = calendar.month_name[month]
    a = one_date(f"On {name} {day}, {year}, it happened")
    b = one_date(f"On {day} {name} {year} it happened")
    assert a == b.__class__(**{**{s: getattr(b, s) for s in b.__slots__}, "text": a.text})
    assert dates_compatible(a, b)


# --- counts -----------------------------------------------------------------------------


def test_enumerated_people_count_two() -> None:
    (v,) = extract_counts("resulting in the arrest of a 16-year-old and another woman for interfering")
    assert v.anchor == 2 and v.noun == "people"


def test_number_words_and_hedges() -> None:
    (two,) = extract_counts("two people were arrested for intervening")
    assert (two.anchor, two.hedge, two.noun) == (2, "exact", "people")
    (about,) = extract_counts("about 40 protesters gathered")
    assert (about.anchor, about.hedge, about.noun) == (40, "approx", "protesters")
    (dozens,) = extract_counts("dozens of protesters gathered")
    assert dozens.hedge == "magnitude" and dozens.noun == "protesters"
    (more,) = extract_counts("more than a dozen people were detained")
    assert (more.anchor, more.hedge) == (12, "more")
    (plus,) = extract_counts("150+ protesters")
    assert (plus.anchor, plus.hedge) == (150, "more")


def test_not_counts() -> None:
    assert extract_counts("a 16-year-old girl") == []
    assert extract_counts("In 2019 the contract ended") == []
    assert extract_counts("Several people and multiple agents") == []
    assert extract_counts("On May 8, 2025 at 4 p.m.") == []


def test_counts_agree() -> None:
    (two,) = extract_counts("two people were arrested")
    (pair,) = extract_counts("the arrest of a 16-year-old and another woman")
    (digits,) = extract_counts("2 people were arrested")
    assert counts_agree(two, pair) and counts_agree(two, digits)
    (dozens,) = extract_counts("dozens of people")
    (forty,) = extract_counts("about 40 people")
    assert not counts_agree(dozens, forty)


def test_aggregate_counts() -> None:
    (ten,) = [c for c in extract_counts("Yes, in 4 incidents, totaling 10 arrests") if c.noun == "arrests"]
    assert ten.aggregate and ten.anchor == 10


def test_a_figure_counts_no_noun_past_a_comma() -> None:
    assert [(v.anchor, v.noun) for v in BARE.counts("She was hit at Gate 2, the truck entrance.", ("trucks",))] == [
        (2.0, "")
    ]
    assert [(v.anchor, v.noun) for v in BARE.counts("Two trucks waited at the gate.", ("trucks",))] == [(2.0, "trucks")]


def test_counted_noun_matching() -> None:
    assert noun_matches("people", ("protesters",), ("arrest",))
    assert not noun_matches("people", ("workers",))  # "a town of 9,400 people" counts no workers
    assert noun_matches("arrests", ("protesters",), ("arrest",))
    assert not noun_matches("officers", ("people",))
    assert noun_matches("persons", ("people",), ("citat",))  # "Eleven persons were issued citations"
    assert not noun_matches("incidents", ("protesters",), ("arrest",))


# --- places -----------------------------------------------------------------------------


def test_places_and_containment() -> None:
    names = [p.name for p in extract_places("have unfolded across Worcester, Waltham, and New Bedford.")]
    assert names == ["Worcester", "Waltham", "New Bedford"]
    g = FACTS.gazetteer
    assert g.inside("Worcester", "Worcester County") and g.inside("Worcester", "Massachusetts")
    assert g.inside("Lynn", "Essex County") and not g.related("Lynn", "Worcester")


def test_organization_names_are_not_places() -> None:
    assert extract_places("As a former Lynn Police Department chief") == []
    assert extract_places("Worcester Community Action: Providing legal support") == []
    assert [p.name for p in extract_places("Essex County Sheriff Kevin Coppinger")] == []


# --- names ------------------------------------------------------------------------------


def test_titled_names() -> None:
    (m,) = extract_names("The spotlight turned to Essex County Sheriff Kevin F. Koppinger, whose response")
    assert (m.surname, m.role) == ("Koppinger", "sheriff")
    (f,) = extract_names("U.S. Attorney for Massachusetts Leah Foley issued a stern warning")
    assert (f.surname, f.role) == ("Foley", "attorney")


def test_spelling_variants() -> None:
    assert same_person_name("Coppinger", "Koppinger")
    assert same_person_name("Coppinger", "Copinger")
    assert not same_person_name("Coppinger", "Foley")
    assert not same_person_name("Healey", "Foley")
    assert not same_person_name("Viall", "Foley")  # one short sound key (FL), not one name
    assert same_person_name("Ruehlmann", "Ruhlman")
    assert not same_person_name("Moore", "Morris") and not same_person_name("Ruiz", "Ross")


def test_misspelling_flags() -> None:
    v = ["Coppinger"]
    s = 'Essex County Sheriff Kevin F. Coppinger (frequently misspelled as "Koppinger"), urging calm'
    assert misspelling_flags(s, v) == {"Koppinger"}
    assert misspelling_flags('No - "Koppinger" is a common error. His correct surname is Coppinger.', v) == {
        "Koppinger"
    }
    assert misspelling_flags("Sheriff Koppinger held a press conference.", v) == set()
    fahy = "Correction: An earlier post on this page misspelled Ms Fahy's name as Fahey."
    assert misspelling_flags(fahy, ["Fahy"]) == {"Fahey"}


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Noreen Fahy, the HSE's chief officer for the Midlands, said on Sunday that staff deserve respect.", "Fahy"),
        ("Asked about the crowd, Noreen Fahy, HSE chief officer for the Midlands, appealed for calm.", "Fahy"),
        ("Asked about the crowd, HSE official Noreen Fahey appealed for calm.", "Fahey"),
        ("Asked about the crowd, Maria Santos, a neighbor, said it was frightening.", None),
    ],
)
def test_a_title_after_a_name_introduces_it(sentence: str, named: str | None) -> None:
    assert [m.surname for m in FACTS.names(sentence)] == ([named] if named else [])


# --- claims and sentences ---------------------------------------------------------------


def test_polarity() -> None:
    assert clause_polarity("ICE agents entered the neighborhood with a warrant") == 1
    assert clause_polarity("ICE agents did not present a judicial warrant") == -1
    assert clause_polarity("ICE officers didn't show a warrant") == -1
    first, second = split_clauses(
        "Massachusetts does not have an official sanctuary state designation, "
        "but many cities follow sanctuary policies."
    )
    assert clause_polarity(first) == -1 and clause_polarity(second) == 1


def test_sentences_keep_abbreviations() -> None:
    s = split_sentences("U.S. Attorney Leah Foley spoke. Sheriff Kevin F. Coppinger agreed at 4 p.m. Friday.")
    assert len(s) == 2


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did the Worcester arrest happen?", "date"),
        ("how long has the sheriff been in office", "date"),
        ("Where did the ICE confrontations take place?", "place"),
        ("How many people were arrested in Worcester?", "count"),
        ("Who is the sheriff of Essex County?", "person"),
        ("How is the sheriff's name spelled?", "name"),
        ("Is Massachusetts a sanctuary state?", "claim"),
        ("What did the sheriff say?", "quote"),
        ("hey so did harrowgate pause the shutoffs or nah", "claim"),
        ("Were there any injuries when the crowd faced off with the workers?", "claim"),
        ("they said ICE had a warrant, is that true?", "claim"),
        ("why did the police come", "why"),
        ("what did they call the cops for", "why"),
        ("how old was the baby", "age"),
        ("is there a phone number for help", "contact"),
        ("what should i do if i see ice arresting someone", "advice"),
        ("what is the fenwick arms", "what"),
        ("waltham thing - did ice smash a van window", "claim"),
        ("What was thrown at the truck after the collision?", "thing"),
        ("What tool did people use to get through the fence?", "thing"),
        ("what kind of vehicle were the officers using?", "what"),
        ("was the road really closed for 6 hours?? thats mad", "date"),  # how long, offered
        ("what time did they use the gate", "date"),
        ("what did they use to break the window", "thing"),
        ("what was the date", "what"),
        ("What sort of business owns the block where the family lived?", "what"),
        ("the guy who got hit, where is he from", "place"),
        ("What was Coppinger's job before he became sheriff?", "job"),
        ("what was julian calderes old job?", "job"),
        ("what does ernesto do for a living", "job"),
        ("which groups are helping immigrant families", "group"),
        ("who even runs the fest? like which company", "group"),
        ("Is it true that three parents were arrested outside the school?", "count"),
        ("my cousin said like 100 ppl were on the picket line, is that right?", "count"),
        ("Did the detention take place on Monday, May 12?", "date"),
        ("did it all start at 6am?", "date"),
        ("did anyone get arrested at the protest last tuesday or was it chill", "claim"),
        ("did ice arrest anyone on eureka street in may 2025", "claim"),
        ("heard the cops maced ppl on the steps, legit or nah", "claim"),
        ("ppl keep saying 50 ppl got arrested, true?", "count"),
        ("what happened, for real?", None),
        ("what did the woman yell at ice?", "quote"),
        ("wat did ppl chant in the videos", "quote"),
        ("what did the chanting crowd do?", None),
        ("was route 9 closed?", "claim"),
        ("did local 418 join the picket line?", "claim"),
        ("yo who got arrested, for real?", "person"),
        ("guys how many people were arrested fr", "count"),
        ("did the protest happen on May 8?", "date"),
        ("was anyone hurt when it happened on Monday?", "claim"),
        ("was the city report accurate?", "claim"),
        ("What did the principal write to families?", "quote"),
        ("In which room of City Hall was the meeting held?", "place"),
        ("what percentage of incidents happened in essex county", "count"),
        ("total number of ppl detained across chelsea and lynn?", "count"),
    ],
)
def test_question_slot(question: str, kind: str | None) -> None:
    slot = question_slot(question)
    assert (slot.kind.value if slot else None) == kind


def test_count_focus_keeps_noun_and_verb() -> None:
    q = ENGINE.parse("How many people were arrested in Worcester?")
    assert q.slot is not None
    assert q.slot.focus == ("people", "arrested") and q.slot.nouns == ("people",) and q.slot.verbs == ("arrest",)
    assert q.places == ("Worcester",)


@pytest.mark.parametrize(
    ("question", "nouns", "verbs"),
    [
        ("how many people from worcester were arrested", ("people",), ("arrest",)),  # "from worcester" tells which
        ("how many people live in tullock county", ("people",), ()),  # not the county counted
        ("How many people were taken to hospital after the surge?", ("people",), ("hospit",)),  # where to
        ("how many ppl went to the hospital", ("people",), ("hospit",)),  # chat spelling expanded
        ("how many were taken into custody", (), ("arrest",)),  # one verb
        ("how many ICE agents were there", ("agents",), ()),
    ],
)
def test_what_a_count_question_counts(question: str, nouns: tuple[str, ...], verbs: tuple[str, ...]) -> None:
    slot = ENGINE.parse(question).slot
    assert slot is not None and (slot.nouns, slot.verbs) == (nouns, verbs)


def test_a_figure_offered_to_check_is_the_count_asked_for() -> None:
    q = ENGINE.parse("Is it true that three parents were arrested outside the school?")
    assert q.slot is not None
    assert (q.slot.nouns, q.slot.verbs, q.slot.offered) == (("parents",), ("arrest",), "three")


def test_local_places_come_from_the_corpus_profile() -> None:
    assert FACTS.gazetteer.inside("Lynn", "Essex County")
    assert not BARE.gazetteer.inside("Lynn", "Essex County")  # English knows no counties of Massachusetts
    assert BARE.gazetteer.inside("Worcester", "Massachusetts")  # but it knows cities and states


def test_streets_and_buildings_are_places_without_a_gazetteer() -> None:
    names = [p.name for p in BARE.places("A second clash took place at the Linden Court apartments on River Road.")]
    assert "Linden Court" in names and "River Road" in names


def test_a_leading_article_is_not_part_of_a_building_name() -> None:
    opening = [p.name for p in BARE.places("The Fenwick Arms was full by noon.")]
    inside = [p.name for p in BARE.places("About 70 people crowded into the lobby of the Fenwick Arms.")]
    assert opening == inside == ["Fenwick Arms"]


def test_no_before_the_thing_denied_negates() -> None:
    about = ["charg", "driver"]
    assert FACTS.polarity("no charges have been laid against the driver", about) == -1
    assert FACTS.polarity("the driver has not been charged", about) == -1
    assert FACTS.polarity("the truck driver was charged with dangerous driving", about) == 1


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("a raise of $1.50 an hour", True),
        ("set aside $250K for rent", True),
        ("fined 40 pounds", True),
        ("£40 a ticket", True),
        ("40 people were hurt", False),
        ("in 2025", False),
    ],
)
def test_amounts_of_money(text: str, money: bool) -> None:
    assert FACTS.states_money(text) is money


@pytest.mark.parametrize(
    ("sentence", "hour", "shown"),
    [
        ("From half ten in the morning until noon the crowd grew.", 10.5, "10:30 a.m."),
        ("Twelve o'clock that night the gates were shut.", 24.0, "12 a.m."),
        ("The march began May 8, 2025 at half ten.", 10.5, "May 8, 2025, half ten"),
    ],
)
def test_a_spoken_time_takes_its_half_of_the_day_from_the_sentence(sentence: str, hour: float, shown: str) -> None:
    value = extract_dates(sentence)[0]
    assert value.hours is not None and value.hours[0] == pytest.approx(hour) and value.display() == shown


@pytest.mark.parametrize(
    ("rest", "money"),
    [
        ("does the sheriff make a year", True),
        ("was bail", True),
        ("money did the union raise", True),
        ("of the crowd was made up of students", False),
        ("progress has been made", False),
        ("time did police spend clearing the steps", False),
    ],
)
def test_how_much_asks_for_money_only_when_it_says_so(rest: str, money: bool) -> None:
    assert FACTS.asks_money(rest) is money


# --- lengths of time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "shown", "minutes"),
    [
        ("The meeting was halted for about 45 minutes on Tuesday.", "about 45 minutes", (40.5, 49.5)),
        ("The chair reopened the meeting after a 45-minute recess.", "45 minutes", (45, 45)),
        ("Meeting suspended: approximately 1 hour", "approximately 1 hour", (54, 66)),
        ("The standoff lasted an hour and a half.", "an hour and a half", (90, 90)),
        ("Crews waited for half an hour.", "half an hour", (30, 30)),
        ("It was a two-hour standoff.", "two hours", (120, 120)),
        ("Neighbours blocked the crew for 2-3 hours.", "2-3 hours", (120, 180)),
        ("The strike has lasted more than two weeks.", "more than two weeks", (20160, float("inf"))),
        ("The road was shut for two hours and fifteen minutes.", "two hours and fifteen minutes", (135, 135)),
        ("we held that road for like 5 hrs", "like 5 hrs", (270, 330)),
    ],
)
def test_lengths_of_time(sentence: str, shown: str, minutes: tuple[float, float]) -> None:
    (value,) = BARE.lengths(sentence)
    assert value.display() == shown
    assert (value.low, value.high) == pytest.approx(minutes)


@pytest.mark.parametrize(
    "sentence",
    [
        "Two days later, police came back.",
        "A 16-year-old was arrested.",
        "Within minutes a crowd gathered.",
        "Buses run every 30 minutes.",
        "The rally ended three hours ago.",
    ],
)
def test_times_that_are_not_how_long_something_went_on(sentence: str) -> None:
    assert BARE.lengths(sentence) == []


def test_lengths_agree_when_some_length_fits_both() -> None:
    (two_days,) = BARE.lengths("It went on for two days.")
    (hours,) = BARE.lengths("It went on for 48 hours.")
    (about_45,) = BARE.lengths("It was halted for about 45 minutes.")
    (about_hour,) = BARE.lengths("It was halted for about an hour.")
    assert lengths_agree(two_days, hours)
    assert not lengths_agree(about_45, about_hour)


def test_how_long_asks_for_a_length_and_how_long_ago_for_a_date() -> None:
    assert question_slot("how long did the standoff last?").duration
    assert not question_slot("how long ago did the Worcester arrest happen?").duration


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Police arrested one man for mischief.", [(1.0, "man")]),
        ("One person was arrested at the scene.", [(1.0, "person")]),
        ("It was one of the most notable incidents.", []),
        ("2 dads were arrested", [(2.0, "dads")]),
    ],
)
def test_one_person_is_a_figure_and_one_of_is_not(sentence: str, figures: list[tuple[float, str]]) -> None:
    assert [(v.anchor, v.noun) for v in BARE.counts(sentence)] == figures


def test_a_sentence_calling_a_report_wrong_refutes_it() -> None:
    assert BARE.refutes("Posts saying three parents were arrested are wrong.")
    assert not BARE.refutes("Three parents were arrested.")


@pytest.mark.parametrize(
    ("sentence", "genders"),
    [
        ("Officers detained a 29-year-old mother.", {"female"}),
        ("He had come to collect his eight-year-old daughter.", set()),
        ("A man and his wife were there.", {"male"}),
        ("She said it was over.", set()),
    ],
)
def test_the_gender_a_sentence_says_of_its_people(sentence: str, genders: set[str]) -> None:
    assert BARE.genders(sentence) == genders


def test_chat_people_count_as_people() -> None:
    (value,) = BARE.counts("me and my husband counted 200 ppl easy")
    assert BARE.noun_matches(value.noun, ("people",))


@pytest.mark.parametrize(
    "sentence",
    [
        "The protest continued for a second day on Tuesday.",
        "Police detained two 14-year-olds.",
        "The lockdown ended a 10-minute drive from the school.",
        "In the last 2 weeks the closure caused traffic jams.",
        "Update 3:45 p.m.: Two hours after the shooting, the road reopened.",
    ],
)
def test_times_a_review_found_read_as_lengths(sentence: str) -> None:
    assert BARE.lengths(sentence) == []


def test_number_words_with_a_hyphen_and_two_lengths_side_by_side() -> None:
    (forty_five,) = BARE.lengths("It was halted for forty-five minutes.")
    assert (forty_five.low, forty_five.high) == (45, 45)
    (five,) = BARE.lengths("The standoff lasted 5 hours, 3 hours longer than expected.")
    assert five.display() == "5 hours"


def test_after_is_a_cause_only_when_something_happened() -> None:
    assert BARE.causes("The school was closed after the long holiday weekend, parents said.") == []
    (cause,) = BARE.causes("Deputies came after Greyledge, which runs the landfill, reported the road blocked.")
    assert cause.text == "after Greyledge"
    assert [c.text for c in BARE.causes("BC Hydro crews came because the power was out.")] == [
        "because the power was out"
    ]


def test_one_man_who_spoke_is_no_figure() -> None:
    assert [(v.anchor, v.noun) for v in BARE.counts("One man said three people were arrested.")] == [(3.0, "people")]


def test_money_questions_a_review_found() -> None:
    assert not BARE.asks_money_what("what was the fine for?")
    assert not BARE.asks_money_what("what is the fine for blocking a road meant to do?")
    assert BARE.asks_money_what("what was bail set at?")


def test_a_title_says_no_gender() -> None:
    assert BARE.genders("Officers detained the driver, Sister Mary Clare told reporters.") == set()


def test_ages_a_review_found() -> None:
    from index.values_ages import ages

    assert ages("Tomas Reyes was detained; he was 1,000 miles from home.") == []
    (months,) = ages("The baby, aged 3 months, was found safe.")
    assert months.months == (3.0, 4.0)
    (said,) = ages("He's 41.")
    assert said.months == (492.0, 504.0)


@pytest.mark.parametrize(
    ("sentence", "years", "holder"),
    [
        ("Police arrested a man in his thirties and charged him.", (30, 40), "man"),
        ("One man, believed to be in his twenties, was arrested.", (20, 30), "man"),
        ("The driver, a woman in her early 50s, was not hurt.", (50, 54), "woman"),
    ],
)
def test_a_decade_of_life_is_an_age(sentence: str, years: tuple[int, int], holder: str) -> None:
    from index.values_ages import Age, ages

    (age,) = ages(sentence)
    assert age.months == (years[0] * 12.0, years[1] * 12.0) and age.holder == holder
    assert age.agrees(Age("34-year-old", (34 * 12.0, 35 * 12.0))) is (years == (30, 40))


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        ("Police say the man arrested for throwing the bottle is 24.", [("24 years old", "man")]),
        ("the bottle guy is like 30 btw, hes at my gym", [("30 years old", "guy")]),
        ("The woman, who stayed at the scene, was about 31, police said.", [("31 years old", "woman")]),
        ("The man was 500 feet away.", []),  # no age past MAX_YEARS
        ("The woman is 5 feet tall.", []),  # a figure with a unit ends no clause
        ("A man whose bail was 50 was released.", []),  # the bail's figure, not his
        ("The turnout was 40 people.", []),  # no person noun before "was"
    ],
)
def test_a_person_is_a_figure_gives_their_age(sentence: str, said: list[tuple[str, str]]) -> None:
    from index.values_ages import ages

    found = ages(sentence, BARE.calendar_words, BARE.age_people)
    assert [(a.text, a.holder) for a in found if not a.named] == said


@pytest.mark.parametrize(
    ("clause", "supposed"),
    [("On May 8 the road was shut.", False), ("May 8 was a Thursday.", False), ("The road may be shut.", True)],
)
def test_may_the_month_is_no_modal(clause: str, supposed: bool) -> None:
    assert BARE.hypothetical(clause) is supposed


# --- things -----------------------------------------------------------------------------

THROW = tuple(FACTS.tokenizer.tokens("throw"))


@pytest.mark.parametrize(
    ("sentence", "things"),
    [
        ("A steel coffee thermos was thrown at the truck, cracking the windshield.", ["steel coffee thermos"]),
        ("An object, later identified as a plastic water bottle, was thrown.", ["plastic water bottle"]),
        ("Someone in the gallery threw a water bottle toward the dais.", ["water bottle"]),
        ("Somebody chucked a chair at the council.", ["chair"]),
        ("A plastic water bottle thrown from the gallery hit the front of the dais.", ["plastic water bottle"]),
        ("A brick was reportedly thrown through the windshield.", ["brick"]),
        ("Protesters did not throw anything.", []),
        ("It was thrown at the truck.", []),
        ("The crowd threw at the officers.", []),
        ("No plastic water bottle was thrown at any time, police said.", []),
    ],
)
def test_things_thrown(sentence: str, things: list[str]) -> None:
    assert [t.text for t in FACTS.things(sentence, THROW)] == things


def test_an_object_agrees_with_any_thing_and_heads_decide_the_rest() -> None:
    bottle, plastic, chair = (FACTS.things(f"A {x} was thrown.", THROW)[0] for x in ("bottle", "glass bottle", "chair"))
    thing = FACTS.things("An object was thrown.", THROW)[0]
    assert thing.generic and things_agree(thing, chair)
    assert things_agree(bottle, plastic) and not things_agree(bottle, chair)


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("- Massachusetts Immigrant Rights Coalition: organizing rapid response networks", True),
        ("Nonprofits like Chelsea Collaborative trained residents.", True),
        ("An organizer with the Eyes Off Kessler Falls coalition, which called the protest, spoke.", True),
        ("Eyes Off Kessler Falls, the group that organized the protest, said it would return.", True),
        ("The police arrived.", False),
        ("Police said the group left.", False),
        ("These groups have set up networks.", False),
    ],
)
def test_organizations_named(sentence: str, named: bool) -> None:
    assert FACTS.names_organization(sentence) is named
