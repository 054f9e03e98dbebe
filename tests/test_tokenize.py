"""One tokenizer for passages and questions."""

from __future__ import annotations

from pathlib import Path

from index.lexicon import CorpusProfile, Lexicon, english
from index.tokenize import Tokenizer, normalize, words

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def default_tokenizer() -> Tokenizer:
    return Lexicon(english(), CorpusProfile.load(SEEDS)).tokenizer


def test_normalizes_curly_quotes_and_dashes() -> None:
    assert normalize("Koppinger\u2019s \u201cstep back\u201d \u2014 now") == 'koppinger\'s "step back" - now'


def test_sheriff_spellings_are_one_term() -> None:
    tok = default_tokenizer()
    terms = {tuple(tok.tokens(name)) for name in ("Coppinger", "Koppinger", "Copinger", "KOPPINGER\u2019s")}
    assert len(terms) == 1


def test_ice_and_its_long_form_are_one_term() -> None:
    tok = default_tokenizer()
    assert tok.tokens("Immigration and Customs Enforcement") == tok.tokens("ICE")


def test_numbers_and_legal_forms_stay_usable() -> None:
    tok = default_tokenizer()
    assert "287g" in tok.tokens("its 287(g) agreement")
    assert tok.tokens("287g") == tok.tokens("287(g)")
    assert "2025" in tok.tokens("On May 8, 2025")
    assert {"8", "9"} <= set(tok.tokens("On 8-9 May 2025"))


def test_stop_words_out_and_stemming_in() -> None:
    tok = default_tokenizer()
    assert tok.tokens("the protesters were protesting") == ["protest", "protest"]


def test_synonyms_and_light_words_come_from_data_not_code() -> None:
    tok = Tokenizer(["the"], [["alpha", "beta gamma"]], light=["happen"])
    assert tok.tokens("beta gamma") == tok.tokens("alpha")
    assert tok.tokens("the alpha happened") == tok.tokens("alpha")


def test_irregular_verbs_meet_their_base_form() -> None:
    tok = default_tokenizer()
    assert tok.tokens("Corvane bought the building") == tok.tokens("Corvane buys the building")


def test_struck_is_hit_but_a_strike_is_not() -> None:
    tok = default_tokenizer()
    assert tok.tokens("a picketer was struck by a truck") == tok.tokens("a picketer was hit by a truck")
    assert tok.tokens("the deputies left") == tok.tokens("the deputies leave")
    assert tok.tokens("the strike") != tok.tokens("the hit")


def test_accented_letters_stay_in_their_word_and_match_without_accents() -> None:
    tok = default_tokenizer()
    assert tok.tokens("Marilú Núñez") == tok.tokens("marilu nunez") and len(tok.tokens("Núñez")) == 1
    text = "said Núñez today"
    (w,) = [w for w in words(text) if w.surface == "nunez"]
    assert text[w.start : w.end] == "Núñez"


def test_invisible_characters_do_not_split_a_word() -> None:
    tok = default_tokenizer()
    assert tok.tokens("Wor\u00adcester") == tok.tokens("Worcester") == tok.tokens("Wor\u200bcester")
    text = "in Wor\u00adcester today"
    (w,) = [w for w in words(text) if w.surface == "worcester"]
    assert text[w.start : w.end] == "Wor\u00adcester"  # offsets still point into the text as written


def test_a_clock_time_written_as_one_word_is_its_figure() -> None:
    assert [w.surface for w in words("at 6am, not 10PM")] == ["at", "6", "am", "not", "10", "pm"]


def test_a_post_and_a_report_abbreviating_words_meet_them() -> None:
    """ "we held that road for like 5 hrs" is about hours; "tues" is Tuesday; "ppl" people."""
    tok = default_tokenizer()
    assert tok.tokens("held for 5 hrs") == tok.tokens("held for 5 hours")
    assert tok.tokens("stopped tues") == tok.tokens("stopped Tuesday")
    assert tok.tokens("ppl arrested") == tok.tokens("people arrested")
