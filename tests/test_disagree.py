"""find_disagreements on passages cut from the seed sources, and on made-up ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from articles import engine_over

from index.disagree import GENERIC_SHARE, _same_reason, find_disagreements
from index.engine import Engine
from index.models import Disagreement, Quote, Source

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEEDS = sorted(SEED_DIR.glob("*.txt"))
SOURCES = {p.stem: Source(p.stem, p.stem, f"S{i}") for i, p in enumerate(SEEDS)}
S = {f"S{i}": p.stem for i, p in enumerate(SEEDS)}
ENGINE = Engine.from_folder(SEED_DIR)


def notes(
    question: str, quotes: list[Quote], sources: dict[str, Source], evidence: list[Quote] | None = None
) -> tuple[Disagreement, ...]:
    """The notes for ``question`` over these passages (the question parsed against the seed index)."""
    snap = ENGINE.snapshot.view()
    if not question.strip():
        return ()
    q = ENGINE.parse(question)
    tags = {sid: s.tag for sid, s in sources.items()}
    generic = lambda t: snap.search.df_share(t) >= GENERIC_SHARE  # noqa: E731
    return find_disagreements(q, [*quotes, *(evidence or [])], tags, snap.lexicon, generic)


def seed_quote(tag: str, phrase: str) -> Quote:
    """The paragraph (line) of a seed that contains ``phrase``, as the engine would quote it."""
    sid = S[tag]
    text = (Path(SEEDS[int(tag[1:])])).read_text(encoding="utf-8")
    start = 0
    for line in text.split("\n"):
        if phrase in line:
            return Quote(sid, sid, tag, "", line, 1.0, start, start + len(line))
        start += len(line) + 1
    raise AssertionError(f"{phrase!r} not in {tag}")


def made_quote(tag: str, text: str, n: int = 0) -> Quote:
    sid = f"src{tag}"
    return Quote(sid, sid, tag, "", text, 1.0, n, n + len(text))


MADE = {f"src{t}": Source(f"src{t}", f"Source {t}", t) for t in ("S1", "S2", "S3", "S4")}


def facets(ds) -> list[str]:
    return [d.facet for d in ds]


# --- positives --------------------------------------------------------------------------


def test_date_conflict_groups_range_with_date() -> None:
    quotes = [
        seed_quote("S4", "On 8-9 May 2025, an ICE agent arrested a woman"),
        seed_quote("S1", "On May 8, 2025, one of the most notable"),
        seed_quote("S2", "In July 2024, a major incident"),
    ]
    (d,) = notes("When did the Worcester arrest happen?", quotes, SOURCES)
    assert d.facet == "date"
    assert d.note == "Sources differ on the date: May 8, 2025 [S1, S4] \u00b7 July 2024 [S2]"
    assert {v.value: v.sources for v in d.values} == {
        "May 8, 2025": (S["S1"], S["S4"]),
        "July 2024": (S["S2"],),
    }


def test_place_and_incident_conflict() -> None:
    quotes = [
        seed_quote("S1", "have unfolded across Worcester, Waltham, and New Bedford"),
        seed_quote("S3", "across Massachusetts towns like Lynn and Chelsea"),
    ]
    evidence = [seed_quote("S3", "In early 2023, ICE conducted"), seed_quote("S1", "On May 8, 2025, one of")]
    (d,) = notes("Where did the ICE confrontations take place?", quotes, SOURCES, evidence)
    assert d.facet == "incident"
    assert "Worcester, Waltham, New Bedford" in d.note and "Lynn, Chelsea" in d.note
    assert "[S1]" in d.note and "[S3]" in d.note
    # Without dates it is a place note.
    (p,) = notes("Where did the ICE confrontations take place?", quotes, SOURCES)
    assert p.facet == "place"


def test_spelling_note_with_misspelling_attribution() -> None:
    quotes = [
        seed_quote("S1", "Essex County Sheriff Kevin Coppinger, whose calls"),
        seed_quote("S0", "Essex County Sheriff Kevin F. Koppinger, whose response"),
        seed_quote("S3", "Essex County Sheriff Kevin F. Coppinger (frequently"),
        seed_quote("S2", "Essex County Sheriff Kevin Koppinger became a prominent voice"),
        seed_quote("S4", "Sheriff Kevin Coppinger (sometimes incorrectly referred"),
    ]
    ds = notes("Who is the sheriff of Essex County?", quotes, SOURCES)
    assert facets(ds) == ["name"]
    note = ds[0].note
    assert note.startswith("The sheriff's name is spelled Coppinger [S1, S3, S4] and Koppinger [S0, S2]")
    assert "S3 and S4 say Koppinger is a misspelling" in note
    assert "wrong" not in note and "correct" not in note


def test_claim_polarity_sanctuary() -> None:
    quotes = [
        seed_quote("S0", "Massachusetts does not have an official sanctuary state designation"),
        seed_quote("S2", "Massachusetts has long been considered a sanctuary state"),
        seed_quote("S3", "sanctuary cities like Boston restrict detainers"),
    ]
    (d,) = notes("Is Massachusetts a sanctuary state?", quotes, SOURCES)
    assert d.facet == "claim"
    assert {v.sources for v in d.values} == {(S["S2"],), (S["S0"],)}
    assert d.values[0].value.startswith("yes") and d.values[1].value.startswith("no")


def test_claim_polarity_warrant() -> None:
    quotes = [
        seed_quote("S0", "ICE agents entered the neighborhood with a warrant"),
        seed_quote("S2", "ICE officers did not show a judicial warrant"),
    ]
    (d,) = notes("Did ICE have a warrant?", quotes, SOURCES)
    assert d.facet == "claim" and "[S0]" in d.note and "[S2]" in d.note


def test_dozens_vs_about_40() -> None:
    quotes = [
        made_quote("S1", "Dozens of protesters gathered outside the courthouse in Chelsea on Tuesday."),
        made_quote("S2", "About 40 protesters gathered outside the Chelsea courthouse Tuesday."),
    ]
    (d,) = notes("How many protesters gathered at the courthouse?", quotes, MADE)
    assert d.facet == "count"
    assert "dozens of protesters [S1]" in d.note and "about 40 protesters [S2]" in d.note


def test_evening_vs_4pm_another_day() -> None:
    quotes = [
        made_quote("S1", "Agents detained the man in Everett on Thursday evening, witnesses said."),
        made_quote("S2", "The man was detained in Everett at 4 p.m. Friday, according to ICE."),
    ]
    (d,) = notes("When was the man detained in Everett?", quotes, MADE)
    assert d.facet == "date" and "[S1]" in d.note and "[S2]" in d.note


def test_different_incidents_in_date_question() -> None:
    quotes = [
        made_quote("S1", "On May 8, 2025, agents arrested a mother in Worcester."),
        made_quote("S2", "In March 2023, agents arrested a mother in Lynn."),
    ]
    (d,) = notes("When did agents arrest the mother?", quotes, MADE)
    assert d.facet == "incident"
    assert "Worcester" in d.note and "Lynn" in d.note


# --- hard negatives ---------------------------------------------------------------------


def test_two_people_vs_enumerated_people_agree() -> None:
    quotes = [
        seed_quote("S4", "two people were arrested for intervening"),
        seed_quote("S1", "resulting in the arrest of a 16-year-old and another woman"),
    ]
    assert notes("How many people were arrested in Worcester?", quotes, SOURCES) == ()


def test_same_date_two_ways() -> None:
    quotes = [
        made_quote("S1", "ICE agents arrested a man in Chelsea on May 8, 2025."),
        made_quote("S2", "On Thursday, May 8, agents arrested a man in Chelsea, Massachusetts, in 2025."),
        made_quote("S3", "The arrest in Chelsea happened on 8 May 2025."),
    ]
    assert notes("When was the man arrested in Chelsea?", quotes, MADE) == ()


def test_coarser_date_beside_precise() -> None:
    quotes = [
        made_quote("S1", "ICE agents arrested a man in Chelsea on May 8, 2025."),
        made_quote("S2", "In May 2025, agents arrested a man in Chelsea."),
    ]
    assert notes("When was the man arrested in Chelsea?", quotes, MADE) == ()


def test_count_of_a_different_thing() -> None:
    quotes = [
        made_quote("S1", "Police said 40 people were arrested after the protest in Boston."),
        made_quote("S2", "Three officers were injured and 40 people were arrested in Boston."),
        made_quote("S3", "At the protest in Boston, 3 officers were arrested."),
    ]
    assert notes("How many people were arrested in Boston?", quotes, MADE) == ()


def test_how_many_attended_is_answered_beside_any_verb_of_being_there() -> None:
    attended = "How many people attended the hearing on the landfill?"
    quotes = [
        made_quote("S1", "Nearly 1,000 people packed the fairgrounds for the landfill hearing."),
        made_quote("S2", "The landfill hearing drew about 400 people and ran for four hours."),
    ]
    assert [d.facet for d in notes(attended, quotes, MADE)] == ["count"]
    arrested = [
        made_quote("S1", "Nearly 1,000 people packed the fairgrounds for the landfill hearing."),
        made_quote("S2", "After the landfill hearing, 4 people were arrested."),
    ]
    assert notes(attended, arrested, MADE) == ()


def test_how_many_were_taken_to_hospital_counts_those_taken_there() -> None:
    quotes = [
        made_quote("S1", "The surge left 23 people needing treatment, four of whom were taken to hospital."),
        made_quote("S2", "Four people were taken to hospital after the surge."),
    ]
    assert notes("How many people were taken to hospital after the surge?", quotes, MADE) == ()
    assert notes("how many ppl went to the hospital after the surge", quotes, MADE) == ()
    told = [quotes[1], made_quote("S3", "Nine people were taken to hospital after the surge.")]
    assert [d.facet for d in notes("How many people were taken to hospital after the surge?", told, MADE)] == ["count"]


def test_people_count_workers_only_when_a_verb_says_what_they_did() -> None:
    quotes = [
        made_quote("S1", "The 264 striking workers of Local 418 in Port Allard walked out in March."),
        made_quote("S2", "The strike has shaken Port Allard, home to about 9,400 people."),
        made_quote("S3", "About 300 people attended a rally for the strike in Port Allard."),
    ]
    assert notes("how many workers are on strike in Port Allard", quotes, MADE) == ()
    arrested = [
        made_quote("S1", "Police arrested 2 workers on the picket line in Port Allard."),
        made_quote("S2", "Five people were arrested on the picket line in Port Allard."),
    ]
    assert [d.facet for d in notes("How many workers were arrested in Port Allard?", arrested, MADE)] == ["count"]


def test_a_time_note_shows_each_side_by_its_time_of_day() -> None:
    quotes = [
        made_quote("S1", "On February 4, 2025, six deputies arrived at the Fenwick Arms shortly after 7 a.m."),
        made_quote("S2", "Deputies arrived at the Fenwick Arms around 6 p.m. on February 4."),
    ]
    (note,) = notes("what time did the deputies arrive at the Fenwick Arms", quotes, MADE)
    assert note.note.startswith("Sources differ on the time")
    assert [v.value.endswith(t) for v, t in zip(note.values, ("7 a.m.", "6 p.m."), strict=True)] == [True, True]


def test_a_claim_named_only_as_a_topic_is_neither_yes_nor_no() -> None:
    quotes = [
        made_quote("S1", "ICE agents entered the neighborhood with a warrant."),
        made_quote("S2", "The Worcester incident raised questions about warrants."),
        made_quote("S2", "Witnesses said the agents did not present a warrant.", 400),
    ]
    (note,) = notes("was there a warrant", quotes, MADE)
    assert [v.sources for v in note.values] == [("srcS1",), ("srcS2",)]


def test_how_many_were_there_is_not_answered_by_those_arrested_or_by_informants() -> None:
    quotes = [
        made_quote("S1", "More than 60 people lined Tanner Street by mid-morning."),
        made_quote("S2", "Three people were arrested on Tanner Street."),
        made_quote("S3", "No order was shown on Tanner Street, according to four people who were at the scene."),
        made_quote("S4", "More than 60 people stood on Tanner Street."),
    ]
    assert notes("how many people were on tanner street", quotes, MADE) == ()


def test_places_one_source_names_together_are_one_scene() -> None:
    quotes = [
        made_quote("S1", "The crowd surge happened at the North Gate on Mill Lane."),
        made_quote("S2", "The crowd surge on Mill Lane spilled into Sallow Park."),
        made_quote("S3", "The crowd surge happened in Sallow Park."),
    ]
    assert notes("where did the crowd surge happen", quotes, MADE) == ()
    streets = [*quotes[:2], made_quote("S3", "The crowd surge happened on Station Road, not on Mill Lane.")]
    streets.append(made_quote("S4", "The crowd surge happened on Station Road."))
    assert [d.facet for d in notes("where did the crowd surge happen", streets, MADE)] == ["place"]


def test_where_a_named_place_is_gets_no_incident_note() -> None:
    festival = Engine.from_folder(Path(__file__).with_name("heldout") / "corpus-c")
    assert festival.answer("where is sallow park").disagreements == ()
    assert festival.answer("when did the crowd surge at sallow park happen").answered


def test_a_reason_for_calling_police_before_the_collision_is_not_why_the_truck_hit() -> None:
    quotes = [
        made_quote("S1", "Security had called police before the collision because picketers were stopping trucks."),
        made_quote("S2", "The truck hit the picketer because the driver lost control of the truck."),
    ]
    assert notes("why did the truck hit the picketer", quotes, MADE) == ()


def test_nobody_was_hurt_says_the_girl_was_not_and_a_refuted_report_says_nothing() -> None:
    quotes = [
        made_quote("S1", "A seven-year-old girl was knocked over and injured in the crowd."),
        made_quote("S2", "No one was hurt in the crowd, police said."),
        made_quote("S3", "One website reported that a girl was hurt in the crowd; we found no evidence of that."),
    ]
    (note,) = notes("was the little girl hurt in the crowd?", quotes, MADE)
    assert [v.sources for v in note.values] == [("srcS1",), ("srcS2",)]


def test_an_faq_answer_under_a_question_heading_says_yes_or_no() -> None:
    texts = {
        "a": "# The blockade\n\nTenants blocked the stairs at the Fenwick Arms.\n\n"
        "## Was anyone hurt?\n\nYes. A deputy, a man in his forties, sprained his wrist on the stairs.",
        "b": "Four tenants were arrested at the Fenwick Arms. No deputies were hurt, the chief said.",
        "c": "\u201cI will not defend anyone who hurts a deputy,\u201d the mayor said of the Fenwick Arms blockade.",
        **{k: f"The {k} committee meets on Monday about the {k} budget." for k in "defghijklm"},
    }
    (note,) = engine_over(texts).answer("were the deputies hurt").disagreements
    assert note.facet == "claim"
    assert [v.sources for v in note.values] == [("a",), ("b",)]  # the mayor's "will not defend" says neither


def test_a_rule_or_a_limit_on_ability_says_nothing_of_what_happened() -> None:
    quotes = [
        made_quote("S1", "Worcester police officers arrived to assist the federal agents."),
        made_quote("S2", "State laws have limited the ability of local police to assist ICE in Worcester."),
        made_quote("S3", "In cities like Worcester the local police usually do not assist ICE."),
    ]
    assert notes("did police assist ICE in Worcester", quotes, MADE) == ()


def test_a_day_written_before_another_town_is_that_towns() -> None:
    quotes = [
        made_quote("S1", "ICE agents arrested a woman in Worcester on May 8, 2025."),
        made_quote("S2", "The sheriff spoke after ICE arrests last week in Worcester and Tuesday in Waltham."),
        made_quote("S3", "On May 8, ICE arrested a mother in Worcester."),
    ]
    assert notes("When did the ICE arrest in Worcester happen?", quotes, MADE) == ()


def test_one_source_only() -> None:
    quotes = [
        made_quote("S1", "ICE agents arrested a man in Chelsea on May 8, 2025."),
        made_quote("S1", "Another report said it was July 2024 in Chelsea.", 500),
    ]
    assert notes("When was the man arrested in Chelsea?", quotes, MADE) == ()


def test_totals_are_not_compared_with_one_incident() -> None:
    quotes = [
        seed_quote("S3", "totaling 10 arrests for obstruction"),
        seed_quote("S4", "two people were arrested for intervening"),
    ]
    assert notes("how many protesters got arrested during the ICE operations?", quotes, SOURCES) == ()


@pytest.mark.parametrize(
    "later",
    [
        "A week later, a second confrontation broke out at the courthouse in Boston. Two people were arrested.",
        "In a separate incident in Boston the next day, two people were arrested.",
        "At the protest in Boston, two more people were arrested.",
    ],
)
def test_a_later_events_figures_and_increments_are_not_the_events(later: str) -> None:
    quotes = [
        made_quote("S1", "Four people were arrested at the protest in Boston."),
        made_quote("S2", "Police said four people were arrested at the Boston protest."),
        made_quote("S3", later),
    ]
    assert notes("How many people were arrested at the protest in Boston?", quotes, MADE) == ()
    other = [*quotes[:2], made_quote("S3", "At the protest in Boston, two people were arrested.")]
    assert facets(notes("How many people were arrested at the protest in Boston?", other, MADE)) == ["count"]


def test_a_choice_the_question_offers_is_noted_when_sources_choose_differently() -> None:
    quotes = [
        made_quote("S1", "In Boston, agents detained a man outside the bakery."),
        made_quote("S2", "Agents detained a woman outside a Boston bakery on Tuesday."),
        made_quote("S3", "Witnesses in Boston said agents detained a woman and left."),
    ]
    (note,) = notes("was it a man or a woman that they detained in boston??", quotes, MADE)
    assert note.facet == "claim" and note.note == "Sources give different answers: man [S1] · woman [S2, S3]"
    agree = [quotes[1], quotes[2], made_quote("S1", "In Boston a woman was detained outside the bakery.")]
    assert notes("was it a man or a woman that they detained in boston??", agree, MADE) == ()
    both = [quotes[1], made_quote("S1", "In Boston agents detained a man and a woman.")]
    assert notes("was it a man or a woman that they detained in boston??", both, MADE) == ()


def test_a_time_is_read_with_the_sentence_that_says_what_happened_then() -> None:
    quotes = [
        made_quote("S1", "The trouble started around 7:30 a.m. at the gate. A truck hit a picketer in Boston."),
        made_quote("S2", "In Boston a truck hit a picketer at about 6:15 a.m., police said."),
    ]
    assert facets(notes("At what time was the picketer hit by the truck in Boston?", quotes, MADE)) == ["date"]
    other = [
        quotes[1],
        made_quote("S1", "In Boston a truck hit a picketer at 6 a.m. On March 20, at 7:30 a.m., a rally began."),
    ]
    assert notes("At what time was the picketer hit by the truck in Boston?", other, MADE) == ()


def test_a_weekday_in_a_count_question_says_when_not_what() -> None:
    texts = {
        "a": "Police said two people were arrested at the gate on Thursday morning.\n\nThe strike went on.",
        "b": "Five people were arrested at the gate, and the driver was charged.\n\nThe plant stayed shut.",
    }
    engine = engine_over(texts)
    answer = engine.answer("how many ppl got arested at the gate on the thursday")
    assert [d.facet for d in answer.disagreements] == ["count"]


def test_a_claim_about_the_driver_counts_when_a_source_drops_a_common_modifier() -> None:
    texts = {
        "a": "The truck hit a picketer at the gate.\n\nThe truck driver was charged with dangerous driving.",
        "b": "A truck struck the picket line.\n\nPolice said no charges have been laid against the driver.",
        "c": "The truck stopped at the gate after the collision.\n\nThe truck was towed away by noon.",
        "d": "The strike began in March.",
        "e": "The union met on Friday.",
        "f": "The plant stayed shut all week.",
        "g": "A rally was held at town hall.",
    }
    engine = engine_over(texts)
    (note,) = engine.answer("Has the truck driver been charged?").disagreements
    assert note.facet == "claim"
    assert [v.sources for v in note.values] == [("a",), ("b",)]


def test_a_claim_holds_when_a_source_drops_a_modifier_of_its_noun_or_the_scene() -> None:
    """ "the officers" stand for "the immigration officers"; "no pepper spray was used" answers
    whether it was used "outside City Hall", in a paragraph about that night."""
    texts = {
        "a": "The immigration officers showed the principal a warrant for the arrest.",
        "b": "According to witnesses, the officers did not have a warrant.",
        "c": "Officers used pepper spray on protesters outside City Hall, a witness said.",
        "d": "Police said no pepper spray was used by officers.",
        "e": "The council met on Tuesday.",
        "f": "The school stayed open all week.",
        "g": "A rally was held at the library.",
    }
    engine = engine_over(texts)
    (note,) = engine.answer("Did the immigration officers have a warrant?").disagreements
    assert (note.facet, [v.sources for v in note.values]) == ("claim", [("a",), ("b",)])
    (note,) = engine.answer("Did officers use pepper spray outside City Hall?").disagreements
    assert (note.facet, [v.sources for v in note.values]) == ("claim", [("c",), ("d",)])


def test_a_figure_offered_to_check_is_compared_with_the_sources_figures() -> None:
    texts = {
        "a": "Three parents were arrested by local police outside the school.",
        "b": "One person was arrested for mischief. Posts saying three parents were arrested are wrong.",
        "c": "The school stayed open all week.",
        "d": "A vigil was held on Thursday.",
        "e": "The officers drove a grey SUV.",
    }
    (note,) = engine_over(texts).answer("Is it true that three parents were arrested?").disagreements
    assert note.facet == "count"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_reasons_agree_on_most_of_their_words_and_are_read_past_an_aside() -> None:
    """ "stopping trucks at the gate" / "stopping trucks from entering the plant" are one reason;
    "a fight at the gate" is another. "called police earlier, at about 5:50 a.m., because …"
    gives the reason police were called."""
    texts = {
        "a": "Police were called at about 6 a.m. because picketers were stopping trucks at the gate.",
        "b": "Security staff had called police earlier, at about 5:50 a.m., because picketers were "
        "stopping trucks from entering the plant.",
        "c": "Police were called after a fight broke out between strikers and security guards at the gate.",
        "d": "The strike began in March.",
        "e": "The union met on Friday.",
    }
    (note,) = engine_over(texts).answer("Why were police called to the plant?").disagreements
    assert note.facet == "reason"
    assert sorted(v.sources for v in note.values) == [("a", "b"), ("c",)]


def test_a_reason_is_for_the_act_asked_about_not_for_what_its_actor_did_elsewhere() -> None:
    """ "Why did the mayor want police told first" is not answered by why police arrived;
    "why did police come" is (its verb names no act of its own)."""
    texts = {
        "a": "Local police arrived to assist the federal agents on Main Street.",
        "b": "Police arrived to keep order as the crowd grew on Main Street.",
        "c": "The mayor wants agents to notify local police before any operation in the city.",
        "d": "The festival sold 20,000 tickets.",
    }
    engine = engine_over(texts)
    assert engine.answer("Why did the mayor want agents to notify local police first?").disagreements == ()
    (note,) = engine.answer("Why did police come to Main Street?").disagreements
    assert note.facet == "reason"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_an_faq_answer_opening_with_because_gives_the_reason_its_question_asks() -> None:
    texts = {
        "a": "Why was the meeting stopped?\nBecause someone pulled the fire alarm.",
        "b": "The meeting was stopped after a water bottle was thrown at the council.",
        "c": "The festival sold 20,000 tickets.",
        "d": "Parents gathered on the front lawn for a vigil.",
        "e": "The union voted on Friday.",
    }
    (note,) = engine_over(texts).answer("Why was the meeting stopped?").disagreements
    assert note.facet == "reason"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_a_claim_is_not_let_off_a_scene_or_modifier_it_names_differently() -> None:
    """ "at the courthouse" is not "outside City Hall"; "the police officers" are not "the
    immigration officers": no yes/no note between them."""
    texts = {
        "a": "Officers used pepper spray on protesters at the courthouse, a witness said.",
        "b": "Police said no pepper spray was used outside City Hall by officers.",
        "c": "The police officers had a warrant.",
        "d": "The immigration officers did not have a warrant.",
        "e": "The council met on Tuesday.",
    }
    engine = engine_over(texts)
    assert engine.answer("Did officers use pepper spray outside City Hall?").disagreements == ()
    assert engine.answer("Did the immigration officers have a warrant?").disagreements == ()


def test_a_girl_hurt_answers_whether_a_child_was() -> None:
    texts = {
        "a": "A seven-year-old girl was injured in the crowd outside the school, parents said.",
        "b": "Nobody was hurt outside the school, according to police.",
        "c": "Children were sent home early on Thursday.",
        "d": "The officers drove a grey SUV.",
        "e": "The council met on Tuesday.",
        "f": "The principal wrote to families.",
        "g": "A candlelight vigil drew neighbours.",
        "h": "The restaurant stayed closed.",
    }
    (note,) = engine_over(texts).answer("Was a child injured in the crowd outside the school?").disagreements
    assert note.facet == "claim"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_a_kind_of_person_is_stated_by_one_of_its_kind() -> None:
    texts = {
        "a": "A girl was hurt at the school gate.",
        "b": "Nobody was hurt at the school gate.",
        "c": "Children went home early.",
        "d": "The officers drove a grey SUV.",
        "e": "The council met on Tuesday.",
    }
    (note,) = engine_over(texts).answer("Was a child hurt?").disagreements
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_reasons_sharing_one_word_of_two_are_different() -> None:
    assert not _same_reason(frozenset({"fight", "gate"}), frozenset({"stop", "truck", "gate"}))
    assert _same_reason(frozenset({"picket", "stop", "truck"}), frozenset({"gate", "picket", "stop", "truck"}))
    assert not _same_reason(frozenset(), frozenset())


def test_a_verb_and_its_object_are_no_compound() -> None:
    """ "to stop enforcement": a source naming "enforcement" has not said "stop"."""
    texts = {
        "a": "The sheriff was not asking ICE to stop enforcement operations.",
        "b": "The sheriff asked ICE for calm as enforcement grew.",
        "c": "The council met on Tuesday.",
        "d": "The school stayed open all week.",
        "e": "A rally was held at the library.",
    }
    assert engine_over(texts).answer("Was the sheriff asking ICE to stop enforcement?").disagreements == ()


def test_a_figure_in_a_paragraph_naming_no_place_counts_for_the_place_its_source_is_about() -> None:
    texts = {
        "a": "Police said two officers were injured at City Hall on Tuesday night during the protest.",
        "b": "Protesters filled City Hall on Tuesday night for the council meeting on the drone plan. Many "
        "carried signs, some chanted from the gallery, and the council president called a recess after a "
        "bottle was thrown toward the dais.\n\n"
        "Three officers sustained minor injuries and were treated at the scene, police said later. The "
        "department said the officers were back at work the next day and that no one was taken to the "
        "hospital after the recess ended.",
        "c": "The council will vote on the drone plan next month.",
        "d": "A second protest was held a week later outside the library on Main Street.",
    }
    engine = engine_over(texts)
    answer = engine.answer("How many officers were injured at City Hall?")
    assert [d.facet for d in answer.disagreements] == ["count"]


def test_a_clause_naming_the_event_frames_the_question_and_does_not_hide_its_dates() -> None:
    """ "The meeting where the protest broke out": the clause says which meeting; the dates
    are compared for the meeting, and a sentence naming neither gives none."""
    texts = {
        "a": "The protest happened on Monday, October 13, 2025, at the regular meeting of the Harwell City "
        "Council. Hundreds of people came to speak against the drone plan.",
        "b": "A Harwell City Council meeting on the drone plan was halted on Tuesday, Oct. 14, 2025, after a "
        "bottle was thrown toward the dais. The plan would buy 12 drones, with four of them flying in a first "
        "phase starting in early 2026.",
        "c": "Council members said the meeting drew the largest crowd in years.",
    }
    q = ENGINE.parse("What day was the council meeting where the protest broke out?")
    assert "start" in q.context  # the phrase "broke out" framed, not only its words
    answer = engine_over(texts).answer("What day was the council meeting where the protest broke out?")
    [note] = answer.disagreements
    assert {v.value for v in note.values} == {"October 13, 2025", "October 14, 2025"}


def test_a_sentence_naming_none_of_the_subject_gives_no_date_for_it() -> None:
    """When every word of the subject is common in the collection, a date still needs one of
    them in its sentence: "a first phase starting in early 2026" is no meeting's date."""
    texts = {
        "a": "The protest happened on Monday, October 13, 2025, at the regular meeting of the Harwell City "
        "Council. Hundreds of people came to speak against the drone plan.",
        "b": "Hundreds of people packed the Harwell council meeting on the drone plan. The plan would buy 12 "
        "drones, with four of them flying in a first phase starting in early 2026.",
        "c": "Council members said the meeting drew the largest crowd in years.",
    }
    answer = engine_over(texts).answer("What day was the council meeting where the protest broke out?")
    assert not any("2026" in v.value for d in answer.disagreements for v in d.values)


def test_when_an_act_happened_is_not_when_its_state_was_mentioned() -> None:
    """ "Onto the closed beach" tells of Saturday's rally, not of the closing; "has been
    closed since Monday, August 4" dates the closing."""
    texts = {
        "a": "On Saturday, August 9, at about 2:10 p.m., people at a rally got through the fence around the "
        "closed beach and went into the water. The beach has been closed to the public since Monday, "
        "August 4, under a health advisory.",
        "b": "The town closed the beach on Monday, August 4, after the county issued an algae advisory.",
        "c": "The library on Main Street is open on weekdays.",
    }
    answer = engine_over(texts).answer("When did the town close the beach?")
    assert answer.disagreements == ()


def test_when_does_it_reopen_asks_ahead() -> None:
    """ "When does the beach open back up" asks for a date to come: "is expected to reopen on
    Friday, August 15" answers it."""
    texts = {
        "a": "The town says the beach is expected to reopen on Friday, August 15, if water tests come back clean.",
        "b": "Officials said the beach could reopen on Monday, August 18, once two samples pass.",
        "c": "The library on Main Street is open on weekdays.",
    }
    answer = engine_over(texts).answer("when does the beach reopen")
    assert [d.facet for d in answer.disagreements] == ["date"]


def test_a_spelling_question_finds_a_person_whose_title_follows_the_name() -> None:
    texts = {
        "a": "Noreen Fahy, the HSE's chief officer for the Midlands, appealed for calm on Sunday.",
        "b": "HSE official Noreen Fahey appealed for calm and said the family brought shame on the town.",
        "c": "Noreen Fahy, HSE chief officer for the Midlands, appealed for calm after the clash.",
        "d": "The library on Main Street is open on weekdays.",
    }
    answer = engine_over(texts).answer("How is the surname of the official who appealed for calm spelled?")
    [note] = answer.disagreements
    assert note.facet == "name" and {v.value for v in note.values} == {"Fahy", "Fahey"}


def test_one_of_them_is_no_subject_a_source_must_name() -> None:
    """ "tasered one of the family": "one" only picks someone out, so a source saying "no
    taser was used" need not say "one" to answer it."""
    q = ENGINE.parse("heard security tasered one of the family, true?")
    assert "one" not in q.terms and "one" not in q.weight


def test_a_yes_no_question_offering_a_length_compares_lengths() -> None:
    texts = {
        "a": "The hospital was placed into full lockdown for six hours after the chair was thrown.",
        "b": "The hospital lockdown lasted for about three hours while the broken glass was made safe.",
        "c": "The library on Main Street is open on weekdays.",
    }
    answer = engine_over(texts).answer("was the hospital really in lockdown for 6 hours?? thats mad")
    assert [d.facet for d in answer.disagreements] == ["length"]


def test_since_when_asks_and_frames_nothing() -> None:
    q = ENGINE.parse("Since when has Coppinger been sheriff?")
    assert q.context == () and "sinc" not in q.terms and set(ENGINE.parse("Coppinger sheriff").terms) <= set(q.terms)


def test_a_date_in_someones_career_is_not_the_incidents_date() -> None:
    quotes = [
        made_quote("S1", "At a packed meeting on February 10, 2025, the Boston City Council voted 4-3."),
        made_quote("S2", "The Boston city council met on February 10, 2025, to debate the pause."),
        made_quote("S3", "Mayor Ann Lindqvist took office in January 2023, after one term on the Boston city council."),
    ]
    assert notes("On what date did the Boston City Council meet after the protest?", quotes, MADE) == ()
    tenure = [quotes[2], made_quote("S4", "Mayor Ann Lindqvist was sworn in in January 2022 after a close race.")]
    assert facets(notes("When did Mayor Lindqvist take office?", tenure, MADE)) == ["date"]


def test_places_the_question_offers_are_answers_not_where_to_look() -> None:
    quotes = [
        made_quote("S1", "Police said officers responded to Elm Terrace around 11 a.m. after a crowd gathered."),
        made_quote("S2", "The arrest took place on Elm Street just after 7 a.m., neighbors said."),
        made_quote("S3", "Agents detained the woman on Elm Street while her daughter watched."),
    ]
    question = "what street was it on, elm street or elm terrace? ppl keep saying diff things"
    (note,) = notes(question, quotes, MADE)
    assert note.note == "Sources give different answers: Elm Street [S2, S3] · Elm Terrace [S1]"
    agree = [quotes[1], quotes[2]]
    assert notes(question, agree, MADE) == ()


def test_agreeing_claims_and_unasked_slots() -> None:
    quotes = [
        seed_quote("S1", "federal law makes it a crime to obstruct or interfere with ICE agents"),
        seed_quote("S4", "physically blocking ICE or police officers can lead to arrest or even injury"),
        seed_quote("S0", "did not assist ICE with arrests"),
    ]
    assert notes("Can you get arrested for getting in the way of ICE agents?", quotes, SOURCES) == ()
    assert notes("What did the sheriff say?", quotes, SOURCES) == ()
    assert notes("what happened to the teenage daughter", quotes, SOURCES) == ()


def test_same_name_everywhere() -> None:
    quotes = [
        seed_quote("S1", "U.S. Attorney Leah Foley has responded directly"),
        seed_quote("S2", "U.S. Attorney for Massachusetts Leah Foley issued a stern warning"),
    ]
    assert notes("Who is Leah Foley?", quotes, SOURCES) == ()


def test_report_date_is_ignored() -> None:
    quotes = [
        made_quote("S1", "Published June 2, 2025. ICE agents arrested a man in Chelsea on May 8, 2025."),
        made_quote("S2", "Updated May 30, 2025: ICE agents arrested a man in Chelsea on May 8."),
    ]
    assert notes("When was the man arrested in Chelsea?", quotes, MADE) == ()


@pytest.mark.parametrize("question", ["", "hello", "What is a 287(g) agreement and does Essex County have one?"])
def test_no_slot_no_note(question: str) -> None:
    quotes = [seed_quote("S0", "with a warrant"), seed_quote("S2", "did not present a judicial warrant")]
    assert notes(question, quotes, SOURCES) == ()


def test_how_long_compares_lengths_of_time_said_of_the_subject() -> None:
    texts = {
        "a": "The council meeting was halted for about 45 minutes after a bottle was thrown.",
        "b": "Police said the meeting was suspended for approximately one hour while the room was cleared.",
        "c": "The chair, who has served on the council for 12 years, reopened the meeting after a 45-minute recess.",
        "d": "The drone plan would cost $1.4 million.",
    }
    engine = engine_over(texts)
    (note,) = engine.answer("How long was the council meeting suspended?").disagreements
    assert note.facet == "length"
    assert sorted(v.sources for v in note.values) == [("a", "c"), ("b",)]
    assert "12 years" not in note.note


def test_the_verb_asked_about_named_as_a_noun_carries_the_subject() -> None:
    """ "The blockade lasted four hours" tells how long the road was blocked, though the
    source never calls it the "entrance road"; "the hospital" is no noun made of a verb."""
    texts = {
        "a": "Residents blocked the landfill entrance road for about two hours on Tuesday.",
        "b": "The road into the landfill reopened at noon. That ends a blockade that lasted about four hours.",
        "c": "The entrance road was obstructed for approximately two hours and fifteen minutes.",
        "d": "The landfill takes in 1,200 tons of trash a day.",
    }
    engine = engine_over(texts)
    (note,) = engine.answer("How long was the landfill entrance road blocked?").disagreements
    assert note.facet == "length"
    assert sorted(v.sources for v in note.values) == [("a", "c"), ("b",)]


def test_a_modifier_is_optional_only_beside_its_noun() -> None:
    """A source that never names the "hearing" tells nothing of the "court hearing": its
    other court dates are not the hearing's."""
    texts = {
        "a": "Calloway asked for an injunction. The court hearing on the injunction request is set for March 24.",
        "b": "A hearing on the company's injunction request is scheduled for March 24.",
        "c": "Both men were asked to appear in court on April 16, 2025.",
        "d": "The plant employs 300 people.",
        "e": "Picketers gathered at the Foundry Lane gate before dawn.",
        "f": "The union says it will hold a rally outside Town Hall.",
        "g": "A truck struck a picketer at the gate on Thursday morning.",
    }
    engine = engine_over(texts)
    assert engine.answer("When is the court hearing on the injunction request?").disagreements == ()


def test_what_was_thrown_compares_things_and_skips_what_a_source_disputes() -> None:
    """An FAQ answer under the same question counts; a brick a source reports only to dispute
    it is not that source's answer."""
    texts = {
        "a": "A steel coffee thermos was thrown at the truck after the collision, cracking the windshield.",
        "b": "A brick was thrown through the windshield of the truck after the collision.",
        "c": "## What was thrown at the truck?\n\nA metal thermos, according to police. Some websites "
        "reported that a brick was thrown at the truck; police have not mentioned any brick.",
        "d": "The plant employs 300 people.",
        "e": "Picketers gathered at the Foundry Lane gate before dawn.",
    }
    engine = engine_over(texts)
    (note,) = engine.answer("What was thrown at the truck after the collision?").disagreements
    assert note.facet == "thing"
    assert sorted(v.sources for v in note.values) == [("a", "c"), ("b",)]


def test_what_was_used_for_the_act_asked_not_what_was_used_or_denied_elsewhere() -> None:
    """ "What tool did people use to get through the fence": not pepper spray that rangers are
    said to have used, nor a chemical agent a source says was not used."""
    texts = {
        "a": "More than 200 people stormed the beach after protesters used a car jack to pry the fence open.",
        "b": "Witnesses said someone used bolt cutters to cut the ties holding two fence panels together, and "
        "people began squeezing through the gap.",
        "c": "Rangers cleared the beach within the hour. No pepper spray or other chemical agent was used by "
        "rangers at any time.",
        "d": "We have not been able to confirm reports on social media that rangers used pepper spray.",
        "e": "The library on Main Street is open on weekdays.",
    }
    (note,) = engine_over(texts).answer("What tool did people use to get through the beach fence?").disagreements
    assert {v.value for v in note.values} == {"car jack", "bolt cutters"}


def test_a_date_yet_to_come_is_not_when_it_happened() -> None:
    """A court date is not the arrest's, unless the question asks what is scheduled."""
    texts = {
        "a": "Officers arrested the man outside the school on Tuesday, May 13, 2025.",
        "b": "The man arrested outside the school is scheduled to appear in court on June 18, 2025.",
        "c": "Police arrested one man outside the school on Tuesday, May 13.",
        "d": "The school has about 420 students.",
        "e": "Parents gathered on the front lawn for a vigil.",
    }
    engine = engine_over(texts)
    assert engine.answer("When was the man arrested outside the school?").disagreements == ()


def test_where_someone_is_from_is_no_street() -> None:
    """The restaurant one source places him at and the school another does are where he
    was, not where he is from."""
    texts = {
        "a": "Ernesto Salcedo, a cook at Casa Paloma on Fennimore Street, was detained on Tuesday.",
        "b": "Ernesto Salcedo was detained outside Linden Heights Public School on Garrow Avenue.",
        "c": "The school has about 420 students.",
        "d": "Parents gathered on the front lawn for a vigil.",
    }
    engine = engine_over(texts)
    assert engine.answer("Where is Ernesto Salcedo originally from?").disagreements == ()


def test_why_compares_the_causes_sources_give() -> None:
    texts = {
        "a": "The music stopped because of a power failure on the main stage.",
        "b": "Fans said the music stopped after the singer saw people being crushed at the front.",
        "c": "The music stopped after a power failure hit the main stage, organisers said.",
        "d": "The festival sold 20,000 tickets.",
    }
    engine = engine_over(texts)
    (note,) = engine.answer("Why did the music stop?").disagreements
    assert note.facet == "reason"
    assert sorted(v.sources for v in note.values) == [("a", "c"), ("b",)]


def test_a_rule_or_an_aside_is_not_a_cause() -> None:
    texts = {
        "a": "The company may shut off water only after mailing a written notice to the household.",
        "b": "Crews shut off water on Tanner Street because the bills were unpaid.",
        "c": "Haskell, who resigned because of ill health, said the crews shut off water on Tanner Street.",
        "d": "The town has 6,800 customers.",
    }
    engine = engine_over(texts)
    assert engine.answer("Why did the crews shut off the water?").disagreements == ()


AGES = {
    "a": "Ernesto Salcedo, 38, a line cook, was waiting for his eight-year-old daughter at the school.",
    "b": "Ernesto is the cook at Casa Paloma, the pupusa guy. hes 41, same as my husband.",
    "c": "Friends say Salcedo has a wife and two children, and that his eight-year-old daughter saw it all.",
    "d": "Jenna Bradshaw, 52, said officers never showed a warrant to Salcedo.",
    "e": "The school has about 420 students.",
}


@pytest.mark.parametrize("question", ["How old is Ernesto Salcedo?", "Is Ernesto Salcedo 38 or 41 years old?"])
def test_an_age_is_the_asked_persons_not_a_relatives_or_a_bystanders(question: str) -> None:
    (note,) = engine_over(AGES).answer(question).disagreements
    assert note.facet == "age"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]
    assert "eight" not in note.note and "52" not in note.note


def test_a_childs_age_answers_a_question_about_the_child() -> None:
    texts = {
        "a": "Crews came to evict a mother and her 8-year-old boy from the building.",
        "b": "Tenants say the boy is 10 years old and in fifth grade.",
        "c": "The hearing is on Friday.",
    }
    (note,) = engine_over(texts).answer("how old is the boy?").disagreements
    assert note.facet == "age"


def test_a_figure_a_source_calls_wrong_is_not_its_figure() -> None:
    texts = {
        "a": "Three parents were arrested by local police outside the school.",
        "b": "Yes, one person was arrested outside the school. Posts saying three parents were arrested are wrong.",
        "c": "The vigil is on Thursday.",
    }
    (note,) = engine_over(texts).answer("How many people were arrested outside the school?").disagreements
    assert note.facet == "count"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_an_age_beside_a_title_is_the_age_of_whoever_holds_it() -> None:
    texts = {
        "a": "A piece of asphalt hit Deputy Landon Vickery, 29, on the side of the head.",
        "b": "- Deputy Landon Vickery, 42, was hit in the head and taken to the hospital",
        "c": "The commission voted 2-1 on Monday night.",
    }
    (note,) = engine_over(texts).answer("How old is the sheriff's deputy who was hurt?").disagreements
    assert note.facet == "age"
    assert sorted(v.sources for v in note.values) == [("a",), ("b",)]


def test_a_man_or_a_woman_is_answered_by_any_word_that_says_which() -> None:
    texts = {
        "a": "Officers detained a 29-year-old mother outside the school as families lined up.",
        "b": "Officers detained a father outside the school, where he had come to collect his daughter.",
        "c": "Officers detained Ernesto Salcedo outside the school; his wife and daughter were at home.",
        "d": "The vigil is on Thursday.",
    }
    (note,) = engine_over(texts).answer("Was the person detained outside the school a man or a woman?").disagreements
    assert [(v.value, v.sources) for v in note.values] == [("man", ("b",)), ("woman", ("a",))]


@pytest.mark.parametrize(
    "other",
    [
        "Reports that the road closure on Route 9 lasted for two weeks are wrong.",
        "A second road closure on Route 9 last spring went on for 2 weeks.",
        "Under state rules, the road closure on Route 9 could go on for up to 30 days.",
    ],
)
def test_a_length_denied_supposed_or_of_another_event_is_not_a_sources(other: str) -> None:
    texts = {"a": "The road closure on Route 9 lasted 3 days.", "b": other, "z": "The library sale is on Saturday."}
    assert engine_over(texts).answer("How long did the road closure on Route 9 last?").disagreements == ()


@pytest.mark.parametrize(
    "other",
    [
        "Her mother, Maria Ruiz, 62, said the family is afraid.",
        "Her neighbor Ana Lopez, 55, filmed it.",
    ],
)
def test_a_relative_or_neighbour_is_not_the_person_asked_about(other: str) -> None:
    texts = {
        "a": "Ana Ruiz, 38, was detained outside the Elm Street school on Monday.",
        "b": other,
        "z": "The library sale is on Saturday.",
    }
    assert engine_over(texts).answer("How old is Ana Ruiz?").disagreements == ()


def test_a_sisters_age_is_not_the_boys() -> None:
    texts = {
        "a": "The boy found in the car on Elm Street was 7 years old, police said.",
        "b": "The boy found in the car on Elm Street and his 5-year-old sister were unhurt.",
        "z": "The library sale is on Saturday.",
    }
    assert engine_over(texts).answer("How old was the boy found in the car on Elm Street?").disagreements == ()


def test_long_in_a_place_name_is_searched() -> None:
    texts = {
        "a": "The standoff in Long Beach began on Monday morning, police said.",
        "b": "The standoff in Palm Beach began on Friday night, police said.",
        "c": "A separate standoff at Beach Road began on Sunday.",
    }
    answer = engine_over(texts).answer("When did the Long Beach standoff begin?")
    assert "Long Beach" in answer.quotes[0].text
