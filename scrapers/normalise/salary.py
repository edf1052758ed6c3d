"""Salary: the amounts a posting states, in its currency and period, and their annual reading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pycountry
from price_parser import Price

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
