"""Dates, date ranges and times of day written in a sentence, as comparable values.

A date is kept with the parts the text gives: a year is never filled in when the text
has none, a range ("8-9 May 2025") is one value, and a sentence that dates the report
itself ("Published May 10, 2025") gives no event date. Word lists: data/disagree.yaml.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.text import alternation as _alt
from index.tokenize import straighten as clean

if TYPE_CHECKING:
    from index.values import Rules

log = logging.getLogger(__name__)

_MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MIN_YEAR, _MAX_YEAR = 1950, 2049


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date as far as the text gives it; None means "not said", never "unknown = any"."""

    text: str  # as written
    year: int | None = None
    months: tuple[int, int] | None = None  # first and last month (inclusive)
    days: tuple[int, int] | None = None  # first and last day (inclusive), within ``months``
    weekday: int | None = None  # 0 = Monday
    hours: tuple[float, float] | None = None  # time of day [start, end)
    either_half: bool = False  # a clock time without a.m./p.m. ("half ten"): ``hours`` or 12 later
    since: bool = False  # "since 2017": the start of a period
    end_year: int | None = None  # "2023-2024": a span of years

    @property
    def granularity(self) -> str:
        """day | month | year | weekday | time | none: the finest calendar part given."""
        if self.days:
            return "day"
        if self.months:
            return "month"
        if self.year is not None:
            return "year"
        if self.weekday is not None:
            return "weekday"
        if self.hours:
            return "time"
        return "none"

    @property
    def has_calendar(self) -> bool:
        return self.year is not None or self.months is not None or self.weekday is not None

    def interval(self) -> tuple[dt.date, dt.date] | None:
        """First and last day covered, when the year is known."""
        if self.year is None:
            return None
        y2 = self.end_year or self.year
        m1, m2 = self.months or (1, 12)
        if m2 < m1:  # winter: December to February
            start = dt.date(self.year, m1, 1)
            y2 += 1
        else:
            start = dt.date(self.year, m1, 1)
        if self.days:
            start = dt.date(self.year, m1, self.days[0])
            end = dt.date(y2, m2, self.days[1])
        else:
            end = dt.date(y2, m2, calendar.monthrange(y2, m2)[1])
        return start, end

    def display(self) -> str:
        """A normalized rendering: "May 8, 2025", "May 8–9, 2025", "July 2024", "since 2017"."""
        text = ""
        if self.months and self.days:
            (m1, m2), (d1, d2) = self.months, self.days
            if m1 != m2:
                text = f"{_MONTH_NAMES[m1]} {d1}\u2013{_MONTH_NAMES[m2]} {d2}"
            else:
                text = f"{_MONTH_NAMES[m1]} {d1}" + ("" if d1 == d2 else f"\u2013{d2}")
        elif self.months and self.months[0] == self.months[1]:
            text = _MONTH_NAMES[self.months[0]]
        elif self.months:
            text = re.sub(r"\s+(?:of\s+)?(?:19|20)\d\d$", "", self.text.lower()).strip()
        if self.weekday is not None and not (self.days and self.year is not None):
            day_name = calendar.day_name[self.weekday]
            text = f"{day_name}, {text}" if text else day_name
        if self.year is not None:
            year = f"{self.year}" if not self.end_year else f"{self.year}\u2013{self.end_year}"
            text = f"{text}, {year}" if self.days else f"{text} {year}".strip()
        if self.hours:
            sep = " " if text and not self.months and self.year is None else ", "
            text = f"{text}{sep}{_hours_text(self)}" if text else _hours_text(self)
        if self.since:
            text = f"since {text}"
        return text or self.text


def _hours_text(v: DateValue) -> str:
    if v.either_half:
        m = _SPOKEN_SURFACE.search(v.text)
        return m.group().lower() if m else v.text
    for word in ("(?:early )?morning", "afternoon", "evening", "night", "noon", "midday", "midnight"):
        m = re.search(rf"\b{word}\b", v.text, re.I)
        if m:
            return m.group().lower()
    assert v.hours is not None
    h = v.hours[0]
    hour = int(h) % 24
    minute = round((h - int(h)) * 60)
    suffix = "a.m." if hour < 12 else "p.m."
    h12 = hour % 12 or 12
    return f"{h12}:{minute:02d} {suffix}" if minute else f"{h12} {suffix}"


# --- extraction -------------------------------------------------------------------------


def _patterns(r: Rules) -> dict[str, re.Pattern[str]]:
    mon = rf"(?P<mon>{_alt(list(r.months))})\.?"
    mon2 = rf"(?P<mon2>{_alt(list(r.months))})\.?"
    wd = rf"(?:(?P<wd>{_alt(list(r.weekdays))})\.?,?\s+)?"
    day = r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?"
    day2 = r"(?:\s*(?:-|to|and|through|until)\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?"
    year = r"(?:,?\s*(?P<year>(?:19|20)\d\d)(?!\d))?"
    short_year = r"(?:\s*'(?P<yy>\d\d))?"
    part = rf"(?P<part>{_alt(list(r.year_parts))})[-\s]+"
    return {
        # May 8, 2025 / Thursday, May 8 / May 8-9, 2025 / May 8 to June 2
        "mdy": re.compile(
            rf"\b{wd}{mon}\s+{day}(?:\s*-\s*{mon2}\s+(?P<d3>\d{{1,2}})|{day2})(?!\d|-year|\s*(?:years?|%))"
            rf"{year}",
            re.I,
        ),
        # 8 May 2025 / 8-9 May 2025 / Thursday 8 May / the 8th of May
        "dmy": re.compile(
            rf"\b{wd}(?:the\s+)?{day}{day2}\s+(?:of\s+)?{mon}{year}",
            re.I,
        ),
        # July 2024 / Jan '23 / May of 2025
        "my": re.compile(rf"\b{mon}(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)(?!\d)|{short_year})", re.I),
        # early 2023 / summer 2024 / mid-2024
        "part": re.compile(rf"\b{part}(?:of\s+)?(?P<year>(?:19|20)\d\d)(?!\d)", re.I),
        # 2025-05-08
        "iso": re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
        # 5/8/2025
        "us": re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<year>(?:19|20)\d\d)\b"),
        # 2023-2024 / 2023 to 2024
        "years": re.compile(r"\b(?P<year>(?:19|20)\d\d)\s*(?:-|to|through)\s*(?P<y2>(?:19|20)\d\d)\b"),
        # in 2019 / since 2017 (a bare year)
        "year": re.compile(r"(?<![\d/$#.-])\b(?P<year>(?:19|20)\d\d)\b(?![\d/-]|\s*%|\s*\()"),
        # "Friday", "tues"; a three-letter form ("sat", "sun", "wed" are words too) only
        # capitalized, with its period, or before a day of the month ("fri the 15th")
        "weekday": re.compile(
            rf"\b(?P<wd>(?i:{_alt([w for w in r.weekdays if len(w) > SHORT_DAY])})"
            rf"|{_alt([w.capitalize() for w in r.weekdays if len(w) <= SHORT_DAY])}"
            rf"|(?i:{_alt([w for w in r.weekdays if len(w) <= SHORT_DAY])})"
            r"(?=\.|\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b))\b"
        ),
        # 4 p.m. / 9:40pm / 9.40pm (British)
        "clock": re.compile(
            r"\b(?P<h>\d{1,2})(?:[:.](?P<min>[0-5]\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])",
            re.I,
        ),
        # at 21:40 / around 07:15: a 24-hour clock, read only after a word of time, so scores
        # ("won 21:19") and verse numbers ("John 3:16") are not times
        "clock24": re.compile(
            r"\b(?P<at>at|around|about|approximately|by|until|till|before|after|from|to|since)\s+"
            r"(?<![\d:.])\b(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\b(?![:.]?\d|\s*(?:a\.?m|p\.?m))",
            re.I,
        ),
        "tod": re.compile(rf"\b(?P<tod>{_alt(list(r.times_of_day))})\b", re.I),
        "since": re.compile(rf"\b(?:{_alt(r.since_words)})\s+(?:(?:early|late|mid)[-\s]+)?$", re.I),
    }


NOON = 12
SPAN_SLACK_H = 2  # "half past 11 that evening": a time just past a span of the day still belongs to it
_HOUR_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
# The spoken part of a value's text (its display when a.m. or p.m. is not said).
_SPOKEN_SURFACE = re.compile(
    rf"\b(?:(?:half|quarter)\s+(?:past\s+|to\s+)?(?:{'|'.join(_HOUR_WORDS)}|\d{{1,2}})\b"
    rf"|(?:{'|'.join(_HOUR_WORDS)}|\d{{1,2}})\s+o'?clock)",
    re.I,
)


def _spoken_clock(r: Rules) -> re.Pattern[str] | None:
    """ "half ten", "quarter past nine", "ten o'clock" (hour as a word or a figure)."""
    if not r.spoken_clock:
        return None
    before = _alt([k for k in r.spoken_clock if not k.startswith("o'")])
    after = _alt([k for k in r.spoken_clock if k.startswith("o'")])
    hour = rf"(?P<h>{'|'.join(_HOUR_WORDS)}|1[0-2]|[1-9])"
    # Not "the second half two goals", "by a quarter to 3,000", "a quarter to two thirds".
    not_after = r"(?<!\bthe )(?<!\bfirst )(?<!\bsecond )(?<!\bother )(?<!\bby a )(?<!\bof a )(?<!\bby )"
    not_then = (
        r"(?!\s*(?:[:.,]\d|a\.?m|p\.?m|%|years?|hours?|minutes?|of\b|an?\b|per\b|percent|hundred|thousand"
        r"|million|billion|thirds?|quarters?|fifths?|tenths?|halves|times\b|goals?|points?|people|[a-z]+s\b))"
    )
    parts = [rf"{not_after}\b(?P<pre>{before})\s+{hour}\b{not_then}"] if before else []
    if after:
        parts.append(rf"\b{hour.replace('?P<h>', '?P<h2>')}\s+(?P<post>{after})")
    return re.compile("|".join(parts), re.I) if parts else None


class DateReader:
    """Reads dates with one set of English calendar words; its patterns are compiled once."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self._p = _patterns(rules)
        self.spoken = _spoken_clock(rules)
        # A cue dates the report when a date follows it ("Published: May 10", "updated on
        # Tuesday", "© 2025") or it opens the line; "issued an advisory on Monday" is an event.
        calendar_words = _alt([*rules.months, *rules.weekdays])
        self._report = (
            re.compile(
                rf"^\W*(?:{_alt(rules.report_date_cues)})(?!\w)"
                rf"|(?<!\w)(?:{_alt(rules.report_date_cues)})\s*:?\s*(?:on\s+|at\s+)?(?=\d|(?:{calendar_words})\b)"
            )
            if rules.report_date_cues
            else None
        )

    def is_report_date_sentence(self, sentence: str) -> bool:
        """True when the sentence dates the report ("Published May 10, 2025"), not an event."""
        return self._report is not None and self._report.search(clean(sentence).lower()) is not None

    def extract(self, sentence: str) -> list[DateValue]:
        return _extract_dates(self, sentence)


SHORT_DAY = 3  # letters of a weekday's shortest forms ("fri"), which may be other words ("sat")


def _valid(year: int | None, month: int, d1: int, d2: int) -> bool:
    if not (1 <= month <= 12 and 1 <= d1 <= 31 and 1 <= d2 <= 31 and d1 <= d2):
        return False
    if year is not None:
        return d2 <= calendar.monthrange(year, month)[1]
    return d2 <= (29 if month == 2 else calendar.monthrange(2001, month)[1])


def _extract_dates(reader: DateReader, sentence: str) -> list[DateValue]:
    """The dates, date ranges and times a sentence gives, left to right.

    A time of day ("4 p.m.", "evening") joins the date of the same sentence; alone it is
    a value of its own. Nothing is returned for a sentence that dates the report.
    """
    text = clean(sentence)
    if reader.is_report_date_sentence(text):
        return []
    r = reader.rules
    p = reader._p
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, DateValue]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(m: re.Match[str], value: DateValue) -> None:
        taken.append(m.span())
        since = bool(p["since"].search(text[: m.start()]))
        if since:
            value = replace(value, since=True)
        found.append((m.start(), value))

    for key in ("mdy", "dmy"):
        for m in p[key].finditer(text):
            if not free(*m.span()):
                continue
            g = m.groupdict()
            mon_word = g["mon"].lower().rstrip(".")
            if mon_word == "may" and key == "mdy" and not _looks_like_may_date(text, m):
                continue
            m1 = r.months[mon_word]
            m2 = r.months[g["mon2"].lower().rstrip(".")] if g.get("mon2") else m1
            d1 = int(g["d1"])
            d2 = int(g["d3"]) if g.get("d3") else int(g["d2"]) if g.get("d2") else d1
            year = int(g["year"]) if g.get("year") else None
            if m1 == m2 and not _valid(year, m1, d1, d2):
                continue
            wd = r.weekdays[g["wd"].lower().rstrip(".")] if g.get("wd") else None
            add(m, DateValue(m.group().strip(), year=year, months=(m1, m2), days=(d1, d2), weekday=wd))
    for key in ("iso", "us"):
        for m in p[key].finditer(text):
            if not free(*m.span()):
                continue
            year, mo, d = int(m["year"]), int(m["m"]), int(m["d"])
            if _valid(year, mo, d, d):
                add(m, DateValue(m.group(), year=year, months=(mo, mo), days=(d, d)))
    for m in p["part"].finditer(text):
        if free(*m.span()):
            a, b = r.year_parts[m["part"].lower()]
            add(m, DateValue(m.group(), year=int(m["year"]), months=(a, b)))
    for m in p["my"].finditer(text):
        if not free(*m.span()):
            continue
        mon_word = m["mon"].lower().rstrip(".")
        if m["year"]:
            year = int(m["year"])
        elif m["yy"]:
            year = 2000 + int(m["yy"])
        else:
            continue  # a month alone is too ambiguous ("may", "march") to be a value
        mo = r.months[mon_word]
        add(m, DateValue(m.group(), year=year, months=(mo, mo)))
    for m in p["years"].finditer(text):
        if free(*m.span()):
            y1, y2 = int(m["year"]), int(m["y2"])
            if _MIN_YEAR <= y1 < y2 <= _MAX_YEAR:
                add(m, DateValue(m.group(), year=y1, end_year=y2))
    for m in p["year"].finditer(text):
        if free(*m.span()) and _MIN_YEAR <= int(m["year"]) <= _MAX_YEAR:
            add(m, DateValue(m.group(), year=int(m["year"])))
    for m in p["weekday"].finditer(text):
        if free(*m.span()):
            add(m, DateValue(m.group(), weekday=r.weekdays[m["wd"].lower()]))

    times: list[tuple[int, tuple[float, float], str, bool]] = []  # position, hours, surface, either half
    for m in p["clock"].finditer(text):
        if not free(*m.span()):
            continue
        h = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        h_f = h + (int(m["min"]) / 60 if m["min"] else 0.0)
        if int(m["h"]) <= 12:
            times.append((m.start(), (h_f, h_f + 1.0), m.group(), False))
            taken.append(m.span())
    for m in p["clock24"].finditer(text):
        if not free(*m.span("h")):
            continue
        h_f = int(m["h"]) + int(m["min"]) / 60
        times.append((m.start("h"), (h_f, h_f + 1.0), text[m.start("h") : m.end()], False))
        taken.append((m.start("h"), m.end()))
    if reader.spoken is not None:
        # A span of the day after noon ("that night", "in the afternoon", not "noon") puts a
        # spoken time in the p.m.; a morning word in the a.m.; with neither it may be either.
        tod = [(m.span(), r.times_of_day[m["tod"].lower()]) for m in p["tod"].finditer(text)]
        later_spans = [((a, b), span) for span, (a, b) in tod if a >= NOON and b - a > 1]
        earlier = any(b <= NOON + 1 and b - a > 1 for _, (a, b) in tod)
        spoken = [m for m in reader.spoken.finditer(text) if free(*m.span())]
        used: list[tuple[int, int]] = []
        for m in spoken:
            word = (m["h"] or m["h2"]).lower()
            hour = _HOUR_WORDS.index(word) + 1 if word in _HOUR_WORDS else int(word)
            h_f = (hour + r.spoken_clock[" ".join((m["pre"] or m["post"]).lower().split())] / 60) % 12
            pm = h_f + (12 if h_f >= 1 or hour != 12 else 24)  # "twelve o'clock that night" is midnight
            # "half ten that night": the p.m. reading when it falls in the span named
            within = [span for (a, b), span in later_spans if a - SPAN_SLACK_H <= pm <= b + SPAN_SLACK_H]
            if within and not earlier:
                h_f = pm
                used.extend(within)
            times.append((m.start(), (h_f, h_f + 1.0), m.group(), not (within or earlier)))
            taken.append(m.span())
        taken.extend(dict.fromkeys(used))  # "that evening" is said of these times
    for m in p["tod"].finditer(text):
        if free(*m.span()):
            a, b = r.times_of_day[m["tod"].lower()]
            end = float(b) if b > a else a + 1.0  # "noon" is a moment: as wide as "12 p.m."
            times.append((m.start(), (float(a), end), m.group(), False))
            taken.append(m.span())

    found.sort(key=lambda x: x[0])
    if times and found:
        # A time of day belongs to the nearest date of the sentence.
        for at, hours, surface, either in times:
            i = min(range(len(found)), key=lambda j: abs(found[j][0] - at))
            pos, v = found[i]
            if v.hours is None:
                found[i] = (pos, replace(v, hours=hours, text=f"{v.text} {surface}", either_half=either))
    elif times:
        found = [(pos, DateValue(surface, hours=hours, either_half=either)) for pos, hours, surface, either in times]
    return [v for _, v in found]


def _looks_like_may_date(text: str, m: re.Match[str]) -> bool:
    """ "May 8" is a date; "may 10 people" is not. Capitalized May or a year/weekday decides."""
    return m["mon"][0] == "M" or bool(m.groupdict().get("year")) or bool(m.groupdict().get("wd"))


# --- comparison -------------------------------------------------------------------------


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _month_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    def months(x: tuple[int, int]) -> set[int]:
        lo, hi = x
        return set(range(lo, hi + 1)) if lo <= hi else set(range(lo, 13)) | set(range(1, hi + 1))

    return bool(months(a) & months(b))


def dates_compatible(a: DateValue, b: DateValue) -> bool:
    """True when both can describe the same moment: overlapping parts, coarser not different.

    Parts only one value gives are not compared (no year is assumed); a weekday is checked
    against a full date; times of day only when the days are the same.
    """
    if a.since != b.since and a.has_calendar and b.has_calendar:
        return True  # "since 2017" and "in 2019" answer different things
    ia, ib = a.interval(), b.interval()
    if ia and ib and not (ia[0] <= ib[1] and ib[0] <= ia[1]):
        return False
    if a.months and b.months and (a.year is None or b.year is None or a.year == b.year):
        if not _month_overlap(a.months, b.months):
            return False
        one_month = a.months == b.months and a.months[0] == a.months[1]
        if a.days and b.days and one_month and not _overlap(a.days, b.days):
            return False
    for x, y in ((a, b), (b, a)):
        if x.weekday is None:
            continue
        if y.weekday is not None and x.weekday != y.weekday and not (x.days and y.days):
            return False
        if y.days and y.days[0] == y.days[1] and y.months and y.year is not None:
            same_date = x.days is None or (x.days == y.days and x.months == y.months)
            try:
                if same_date and dt.date(y.year, y.months[0], y.days[0]).weekday() != x.weekday:
                    return False
            except ValueError:
                pass
    apart = a.hours and b.hours and not any(x[0] < y[1] and y[0] < x[1] for x in _readings(a) for y in _readings(b))
    return not (apart and _same_day(a, b))


def _readings(v: DateValue) -> list[tuple[float, float]]:
    """The hours a value may mean: both halves of the day for "half ten"."""
    assert v.hours is not None
    if not v.either_half:
        return [v.hours]
    return [v.hours, (v.hours[0] + NOON, v.hours[1] + NOON)]


def _same_day(a: DateValue, b: DateValue) -> bool:
    """Times are compared when both values point at one day (or neither names a day)."""
    if not a.has_calendar and not b.has_calendar:
        return True
    if not a.has_calendar or not b.has_calendar:
        return True
    if a.days and b.days and a.days[0] == a.days[1] and b.days == a.days and a.months == b.months:
        return True
    return a.weekday is not None and a.weekday == b.weekday and not (a.days or b.days)


def specificity(v: DateValue) -> float:
    """Smaller is more precise: the length in days of what the value covers."""
    iv = v.interval()
    if iv:
        width = (iv[1] - iv[0]).days + 1
    elif v.days:
        width = v.days[1] - v.days[0] + 1
    elif v.months:
        width = 31 * (v.months[1] - v.months[0] + 1)
    elif v.weekday is not None:
        width = 7
    else:
        width = 100000
    return width - (0.0 if not v.hours else 0.25 if v.either_half else 0.5)


def contains(outer: DateValue, inner: DateValue) -> bool:
    """True when ``inner`` lies within ``outer`` (used to pick the display of a group)."""
    a, b = outer.interval(), inner.interval()
    if a and b:
        return a[0] <= b[0] and b[1] <= a[1]
    return dates_compatible(outer, inner) and specificity(outer) >= specificity(inner)
