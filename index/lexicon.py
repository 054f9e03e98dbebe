"""What the engine knows of English, and what it knows of one corpus, kept apart.

:class:`Language` is English itself: stop words, chat forms, synonyms, the detectors'
word lists, places everywhere, and word frequencies from wordfreq. It ships with the
engine (``index/data``). :class:`CorpusProfile` is what is true of one collection of
sources only (a person's spellings, local places, summary sections); it lives in
``corpus.yaml`` beside the sources' manifest and is stored with the index. A
:class:`Lexicon` joins the two and is passed to everything that reads words; its
fingerprint is stored with an index so a change of either is noticed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from index.models import SourceError
from index.text import QUOTATION
from index.tokenize import Tokenizer, normalize

if TYPE_CHECKING:
    from index.values import FactReader

log = logging.getLogger(__name__)

DATA = Path(__file__).with_name("data")
CORPUS_FILE = "corpus.yaml"
# Bump when the analysis code changes what terms or facts a text gives, so stored ones are redone.
ANALYZER_VERSION = 22
_LANGUAGE_FILES = ("stopwords.txt", "english.yaml", "facts.yaml", "world_places.yaml", "furniture.yaml")


class WordFrequencies:
    """Word frequencies (Zipf scale: 0 unknown, ~3 rare, 5+ everyday) from wordfreq.

    wordfreq costs ~0.4 s to import and load, so it is loaded on first use, once per
    process, and only for the words a question has that the sources do not.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._zipf: Any = None
        self._top: dict[str, tuple[str, ...]] = {}

    def _load(self) -> Any:
        if self._zipf is None:
            with self._lock:
                if self._zipf is None:
                    from wordfreq import zipf_frequency

                    zipf_frequency("the", "en")  # loads the English list now, not mid-question
                    self._zipf = zipf_frequency
        return self._zipf

    def zipf(self, word: str, lang: str = "en") -> float:
        """English from the large list; other languages (only ever asked whether a word is
        common there, zipf ≥ 3) from the small ones: the same answers, a tenth of the memory."""
        return float(self._load()(word, lang, wordlist="best" if lang == "en" else "small"))

    def warm(self, langs: Sequence[str], n: int) -> None:
        """Load every list a question may need now. Loading decompresses in long C calls
        that hold Python's lock: done mid-question it would stall a bot's event loop."""
        for lang in langs:
            self.zipf("the", lang)
        self.common_words("en", n)

    def common_words(self, lang: str = "en", n: int = 40_000) -> tuple[str, ...]:
        """The ``n`` most frequent words, most frequent first (spelling candidates)."""
        key = f"{lang}:{n}"
        if key not in self._top:
            self._load()
            from wordfreq import top_n_list

            words = tuple(w for w in top_n_list(lang, n) if w.isalpha())
            with self._lock:
                self._top[key] = words
        return self._top[key]

    @staticmethod
    def version() -> str:
        try:
            return metadata.version("wordfreq")
        except metadata.PackageNotFoundError:
            return "absent"


@dataclass(frozen=True, slots=True, eq=False)
class Language:
    """English, as the engine reads it. Build with :meth:`load`; immutable and thread-safe."""

    stopwords: frozenset[str]
    chat: Mapping[str, str]
    filler: frozenset[str]
    synonyms: tuple[tuple[str, ...], ...]
    light: tuple[str, ...]
    yes_no_openers: frozenset[str]
    part_joiners: tuple[str, ...]
    other_languages: tuple[str, ...]
    cause_cues: tuple[str, ...]
    speech_verbs: tuple[str, ...]
    irregular_verbs: Mapping[str, str]
    advice_cues: tuple[str, ...]
    signpost_cues: tuple[str, ...]
    occupation_cues: tuple[str, ...]
    slot_words: Mapping[str, frozenset[str]]
    slot_phrases: Mapping[str, tuple[str, ...]]
    subordinators: frozenset[str]
    setting_prepositions: frozenset[str]
    occurrence_verbs: tuple[str, ...]
    speech_question_words: tuple[str, ...]
    claim_tails: tuple[str, ...]
    nominal_suffixes: tuple[str, ...]
    hearsay_subjects: frozenset[str]
    hearsay_verbs: frozenset[str]
    person_words: frozenset[str]
    facts: Mapping[str, Any]  # facts.yaml: months, numbers, hedges, roles, …
    places: Mapping[str, Any]  # world_places.yaml
    furniture: tuple[str, ...]  # furniture.yaml: page lines that are not content
    fingerprint: str
    frequencies: WordFrequencies = field(default_factory=WordFrequencies)

    def warm(self) -> None:
        """Load what is otherwise loaded on first use (word frequencies, ~2 s): for a
        long-running process, before it serves anyone."""
        from index.query import SPELLING_POOL

        self.frequencies.warm(self.other_languages, SPELLING_POOL)

    @classmethod
    def load(cls, data_dir: Path = DATA) -> Language:
        raw_files = {name: (data_dir / name).read_bytes() for name in _LANGUAGE_FILES}
        english = _yaml(raw_files["english.yaml"]) or {}
        stop = [
            line.strip()
            for line in raw_files["stopwords.txt"].decode("utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        digest = hashlib.sha256()
        for name in _LANGUAGE_FILES:
            digest.update(name.encode() + b"\0" + raw_files[name])
        digest.update(f"analyzer={ANALYZER_VERSION};wordfreq={WordFrequencies.version()}".encode())
        return cls(
            stopwords=frozenset(normalize(w) for w in stop),
            chat={normalize(str(k)): normalize(str(v)) for k, v in (english.get("chat") or {}).items()},
            filler=frozenset(normalize(str(w)) for w in english.get("filler") or ()),
            synonyms=tuple(tuple(str(x) for x in g) for g in english.get("synonyms") or ()),
            light=tuple(str(w) for w in english.get("light") or ()),
            yes_no_openers=frozenset(str(w) for w in english.get("yes_no_openers") or ()),
            part_joiners=tuple(str(w) for w in english.get("part_joiners") or ()),
            other_languages=tuple(str(w) for w in english.get("other_languages") or ()),
            cause_cues=tuple(str(w).lower() for w in english.get("cause_cues") or ()),
            speech_verbs=tuple(str(w).lower() for w in english.get("speech_verbs") or ()),
            irregular_verbs={str(k): str(v) for k, v in (english.get("irregular_verbs") or {}).items()},
            advice_cues=tuple(str(w).lower() for w in english.get("advice_cues") or ()),
            signpost_cues=tuple(str(w).lower() for w in english.get("signpost_cues") or ()),
            occupation_cues=tuple(str(w).lower() for w in english.get("occupation_cues") or ()),
            slot_words={str(k): frozenset(str(w) for w in v) for k, v in (english.get("slot_words") or {}).items()},
            slot_phrases={str(k): tuple(str(w) for w in v) for k, v in (english.get("slot_phrases") or {}).items()},
            subordinators=frozenset(str(w) for w in english.get("subordinators") or ()),
            setting_prepositions=frozenset(str(w) for w in english.get("setting_prepositions") or ()),
            occurrence_verbs=tuple(str(w).lower() for w in english.get("occurrence_verbs") or ()),
            speech_question_words=tuple(str(w).lower() for w in english.get("speech_question_words") or ()),
            claim_tails=tuple(str(w).lower() for w in english.get("claim_tails") or ()),
            nominal_suffixes=tuple(str(w).lower() for w in english.get("nominal_suffixes") or ()),
            hearsay_subjects=frozenset(str(w) for w in (english.get("hearsay") or {}).get("subjects") or ()),
            hearsay_verbs=frozenset(str(w) for w in (english.get("hearsay") or {}).get("verbs") or ()),
            person_words=frozenset(str(w) for w in english.get("person_words") or ()),
            facts=_yaml(raw_files["facts.yaml"]) or {},
            places=_yaml(raw_files["world_places.yaml"]) or {},
            furniture=tuple(str(p) for p in (_yaml(raw_files["furniture.yaml"]) or {}).get("lines", ())),
            fingerprint=digest.hexdigest()[:16],
        )


_PROFILE_KEYS = ("names", "synonyms", "places", "summary")


@dataclass(frozen=True, slots=True)
class CorpusProfile:
    """What is true of one corpus only, from ``corpus.yaml`` beside its ``sources.yaml``.

    ``names``: spellings of one person, first the right one (``[Coppinger, Koppinger]``).
    ``synonyms``: the corpus's own terms and their expansions. ``places``: local places as
    ``{region: [places within]}``, nested. ``summary``: the sections of a summary, each
    ``{title, question}``. Everything is optional; the engine derives what it can itself.
    """

    names: tuple[tuple[str, ...], ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    places: Mapping[str, Any] = field(default_factory=dict)
    summary: tuple[Mapping[str, str], ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "names": [list(g) for g in self.names],
                "synonyms": [list(g) for g in self.synonyms],
                "places": self.places,
                "summary": [dict(s) for s in self.summary],
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | bytes | None) -> CorpusProfile:
        if not text:
            return cls()
        raw = json.loads(text)
        return cls._from_raw(raw, "stored corpus profile")

    @classmethod
    def load(cls, folder: Path) -> CorpusProfile:
        """The profile beside a folder's sources; empty when there is none."""
        path = folder / CORPUS_FILE
        if not path.is_file():
            return cls()
        try:
            raw = _yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"{path}: cannot read ({exc})") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise SourceError(f"{path}{line}: malformed YAML: {getattr(exc, 'problem', exc)}") from exc
        return cls._from_raw(raw, str(path))

    @classmethod
    def _from_raw(cls, raw: Any, where: str) -> CorpusProfile:
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise SourceError(f"{where}: must be a mapping with keys {', '.join(_PROFILE_KEYS)}")
        unknown = sorted(set(raw) - set(_PROFILE_KEYS))
        if unknown:
            raise SourceError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(_PROFILE_KEYS)})")

        def groups(key: str) -> tuple[tuple[str, ...], ...]:
            value = raw.get(key) or []
            if not isinstance(value, list) or not all(isinstance(g, list) and g for g in value):
                raise SourceError(f"{where}: {key!r} must be a list of lists of words")
            if any(isinstance(x, bool) for g in value for x in g):
                # YAML reads a bare no/yes/on/off as true or false: the word itself is lost
                raise SourceError(f"{where}: {key!r} has a yes/no/on/off word YAML reads as true/false: quote it")
            return tuple(tuple(str(x) for x in g) for g in value)

        places = raw.get("places") or {}
        if not isinstance(places, dict):
            raise SourceError(f"{where}: 'places' must map a region to the places within it")
        summary = raw.get("summary") or []
        if not isinstance(summary, list) or not all(
            isinstance(s, dict) and isinstance(s.get("title"), str) and isinstance(s.get("question"), str)
            for s in summary
        ):
            raise SourceError(f"{where}: 'summary' must be a list of {{title, question}} entries")
        return cls(
            names=groups("names"),
            synonyms=groups("synonyms"),
            places=places,
            summary=tuple({"title": s["title"], "question": s["question"]} for s in summary),
        )

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Derived:
    """What the engine learned from one collection's text when it was built."""

    name_variants: tuple[tuple[str, ...], ...] = ()  # spellings of one name, most used first
    places: tuple[str, ...] = ()  # streets and buildings the sources name more than once

    def to_json(self) -> str:
        return json.dumps({"names": [list(g) for g in self.name_variants], "places": list(self.places)})

    @classmethod
    def from_json(cls, text: str | bytes | None) -> Derived:
        if not text:
            return cls()
        raw = json.loads(text)
        return cls(tuple(tuple(g) for g in raw.get("names", ())), tuple(raw.get("places", ())))


def _alternation(words: Iterable[object]) -> str:
    """A regex alternation of ``words``, longest first (so "take place" wins over "take")."""
    return "|".join(re.escape(str(w)) for w in sorted(words, key=lambda w: len(str(w)), reverse=True))


class Lexicon:
    """English + one corpus's profile + what was derived from its text: one object to pass on."""

    def __init__(self, language: Language, profile: CorpusProfile | None = None, derived: Derived | None = None):
        self.language = language
        self.profile = profile or CorpusProfile()
        self.derived = derived or Derived()

    @cached_property
    def tokenizer(self) -> Tokenizer:
        groups: list[Sequence[str]] = [*self.language.synonyms, *self.profile.synonyms, *self.profile.names]
        groups += [*self.derived.name_variants]
        lang = self.language
        return Tokenizer(lang.stopwords, _merge_groups(groups), lang.light, lang.irregular_verbs)

    @cached_property
    def heading_kinds(self) -> dict[str, Any]:
        """What kind of answer each question-like heading asks for, read once per heading
        (the kinds depend only on this lexicon; many questions share a corpus's headings)."""
        return {}

    @cached_property
    def facts(self) -> FactReader:
        from index.values import FactReader

        return FactReader(self)

    @cached_property
    def furniture(self) -> tuple[re.Pattern[str], ...]:
        """Page lines that are not content ("Leave a Reply", "Also Read: …")."""
        from index.passages import furniture_patterns

        return furniture_patterns(self.language.furniture)

    @cached_property
    def speech(self) -> re.Pattern[str]:
        """Reported speech: a quotation, or a verb of saying ("stated", "according to")."""
        verbs = "|".join(re.escape(v) for v in self.language.speech_verbs)
        return re.compile(rf"{QUOTATION.pattern}|\b(?:{verbs}|according to|statement|quoted)\b", re.IGNORECASE)

    def speaker_pattern(self, names: Sequence[str]) -> re.Pattern[str]:
        """Someone named ``names`` reported as speaking: "X said", "said X", "according to X",
        "per X", "X's statement", "X, who …, described", or a label before quoted words
        ("Chief Aaron Voss, Tessaly Police Department: \"…\"")."""
        who = "|".join(re.escape(n) for n in names)
        verbs = "|".join(re.escape(v) for v in self.language.speech_verbs)
        return re.compile(
            rf"\b(?:{who})\w*(?:'s)?(?:[\s,]+[\w'’-]+){{0,6}}?[\s,]+(?:{verbs})\b"
            rf"|\b(?:{verbs})\s+(?:\w+\s+){{0,3}}(?:{who})"
            rf"|\b(?:according to|per)\s+(?:\w+\s+){{0,2}}(?:{who})"
            rf"|\b(?:{who})\w*(?:[\s,]+[\w'’.-]+){{0,6}}?\s*:\s*[\"“]"
            rf"|\b(?:{who})\w*(?:'s|’s)?\s+(?:[\w'’-]+\s+){{0,3}}(?:statement|message|remarks|comments|words|"
            rf"press conference|announcement)",
            re.IGNORECASE,
        )

    @cached_property
    def advice(self) -> re.Pattern[str]:
        """A sentence giving advice or a rule: "should", "avoid", "do not", an imperative list item."""
        cues = _alternation(self.language.advice_cues)
        return re.compile(rf"\b(?:{cues})\b", re.IGNORECASE)

    @cached_property
    def occupation(self) -> re.Pattern[str]:
        """A sentence saying what someone does or did ("a former police chief", "is a sheriff")."""
        cues = _alternation(self.language.occupation_cues)
        titles = _alternation(self.language.facts.get("roles") or {})
        title = rf"|\b(?:is|was|as) an? (?:[\w-]+ ){{0,2}}(?:{titles})\b" if titles else ""
        return re.compile(rf"(?<![\w'’])(?:{cues})(?![\w'’]){title}" if cues else r"(?!)", re.IGNORECASE)

    @cached_property
    def signpost(self) -> re.Pattern[str]:
        """A sentence about the text itself ("We'll walk you through …", "keep reading")."""
        cues = _alternation(self.language.signpost_cues)
        return re.compile(rf"(?<![\w'’])(?:{cues})(?![\w'’])" if cues else r"(?!)", re.IGNORECASE)

    @cached_property
    def asks_speech(self) -> re.Pattern[str]:
        """A question word asking for someone's words ("say", "shout", "statement")."""
        cues = _alternation(self.language.speech_question_words)
        return re.compile(rf"\b(?:{cues})\b" if cues else r"(?!)")

    @cached_property
    def claim_tail(self) -> re.Pattern[str]:
        """A message ending by asking whether what it says is so ("…, legit or nah?", "…, that right?")."""
        tails = _alternation(self.language.claim_tails)
        return re.compile(
            rf"(?P<sep>^|[,;:.!?-]|\s)\s*(?P<pron>(?:(?:is|was)\s+)?(?:that|it|this)\s+)?(?:{tails})"
            rf"\s*(?P<alt>or\s+(?:nah|naw|not|no|what)\b)?[\s?!.]*$"
            if tails
            else r"(?!)"
        )

    @cached_property
    def occurrence(self) -> re.Pattern[str]:
        """A verb saying an event took place ("happened", "took place", "broke out")."""
        verbs = _alternation(self.language.occurrence_verbs)
        return re.compile(rf"\b(?:{verbs})\b" if verbs else r"(?!)", re.IGNORECASE)

    @cached_property
    def cause(self) -> re.Pattern[str]:
        """A sentence giving a reason: a cue word, or a purpose after a verb of coming
        ("arrived to maintain order", "were called in to separate …")."""
        cues = _alternation(self.language.cause_cues)
        motion = r"arrived|came|went|were called|was called|called in|sent|responded"
        return re.compile(rf"\b(?:{cues})\b|\b(?:{motion})\s+(?:in\s+)?to\s+\w+")

    @property
    def fingerprint(self) -> str:
        """Changes whenever the terms a text is given could change."""
        digest = hashlib.sha256(
            f"{self.language.fingerprint}|{self.profile.fingerprint}|{self.derived.to_json()}".encode()
        )
        return digest.hexdigest()[:16]

    def with_derived(self, derived: Derived) -> Lexicon:
        return Lexicon(self.language, self.profile, derived)


def _merge_groups(groups: Iterable[Sequence[str]]) -> list[tuple[str, ...]]:
    """Groups sharing an entry become one (a name variant that is also a listed synonym)."""
    merged: list[list[str]] = []
    for g in groups:
        keys = {normalize(x) for x in g}
        hit = [m for m in merged if keys & {normalize(x) for x in m}]
        if not hit:
            merged.append(list(g))
            continue
        first = hit[0]
        for other in hit[1:]:
            first.extend(other)
            merged.remove(other)
        first.extend(g)
    return [tuple(dict.fromkeys(m)) for m in merged]


def _yaml(data: bytes | str) -> Any:
    """Parse YAML with libyaml's C loader when PyYAML has it (the language files load 10× faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(data, Loader=loader)  # a safe loader either way


@cache
def english() -> Language:
    """The engine's English, loaded once per process (the data never changes while it runs)."""
    return Language.load()
