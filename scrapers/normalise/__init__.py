"""The normaliser: a parsed posting becomes a loadable one (``normalise``), and the readings it is made of.

identity   posting id, embedded text and its hash, title and company keys (standard library only)
text       clean text, valid Unicode, the list-item bullet, HTML detection and its text
urls       a posting URL as compared across sources
dates      ISO-8601 UTC dates
salary     stated salary, its currency, period and annual reading
location   country, city and region of a location text
labels     work arrangement, employment type, department and team names
seniority  the one seniority scale: levels, their ranks, the four a person states
posting    normalise(): the checked posting built from these readings
"""

from scrapers.normalise.identity import company_key, content_hash, embedding_text, posting_id, title_key
from scrapers.normalise.labels import clean_label, employment_type_code, remote_from_text
from scrapers.normalise.location import Place, _fold, _subdivisions, parse_location
from scrapers.normalise.posting import RejectedPosting, normalise
from scrapers.normalise.salary import salary_from_text
from scrapers.normalise.seniority import (LEVEL_RANK, PERSON_LEVELS, SENIORITY_LEVELS, SENIORITY_PATTERNS,
                                         seniority_from_title, seniority_level)
from scrapers.normalise.text import BULLET, HTML_TAG, clean_text, html_to_text, valid_unicode
from scrapers.normalise.urls import canonical_url

# What the rest of the project imports from here (models.place reads the location index's name folding).
__all__ = ["BULLET", "HTML_TAG", "LEVEL_RANK", "PERSON_LEVELS", "SENIORITY_LEVELS", "SENIORITY_PATTERNS", "Place",
           "RejectedPosting", "_fold", "_subdivisions", "canonical_url", "clean_label", "clean_text", "company_key",
           "content_hash", "embedding_text", "employment_type_code", "html_to_text", "normalise", "parse_location",
           "posting_id", "remote_from_text", "salary_from_text", "seniority_from_title", "seniority_level",
           "title_key", "valid_unicode"]
