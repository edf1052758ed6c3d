"""The records crawls pass around: a source (one board to crawl) and a posting (what every parser returns).

Parse functions return plain dicts with the posting keys (see ``new_posting``); the
normaliser (``scrapers.normalise``) fills identity and clean text before load.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    """One [[source]] entry of a sources file (``scrapers.sources`` reads and validates the file)."""

    company: str
    ats: str
    board: str
    url: str | None = None
    # the file's top-level allow_hosts: non-public hosts this source may reach (loopback mirrors, tests)
    allow_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))  # JSON brings a list


def source_status(source: Source, status: str, items: int = 0, rejects: list[dict] | None = None,
                  error: str | None = None) -> dict[str, Any]:
    """What a crawl (or an import) reports for one source: its status (ok | failed | blocked | not_modified), the
    postings it gave, its rejects ({"reason", "raw"} each) and its error; warehouse.load.load_scan records it."""
    return {**asdict(source), "status": status, "items": items, "rejects": [] if rejects is None else rejects,
            "error": error}


# The posting contract: every parser fills what its source offers, None elsewhere.
POSTING_FIELDS: tuple[str, ...] = (
    "ats",              # greenhouse | lever | ashby | workable | smartrecruiters | recruitee | personio | jsonld
                        # | workday | bamboohr | hn | file
    "board",            # board token / slug / host the posting came from
    "native_id",        # the source's own id for the posting (string)
    "company",          # as the sources file names it (the user's spelling is the company)
    "company_source_name",  # the company as the source's payload spells it, where it names one
    "title",
    "location",         # human-readable location text
    "remote",           # "remote" | "hybrid" | "onsite" | None
    "url",              # canonical public URL of the posting
    "posted_at",        # ISO-8601 string (UTC) or None
    "department",
    "team",
    "employment_type",  # free text from the source (full-time, contract, ...)
    "salary_min",       # number or None, in salary_currency per salary_period
    "salary_max",
    "salary_currency",  # ISO-4217 code
    "salary_period",    # year | month | week | day | hour
    "description_html", # description as HTML (or None when the source only has text)
    "description",      # description as plain text (filled from HTML by the normaliser when missing)
    "raw",              # the source's own JSON object for this posting, unchanged
)


def new_posting(**fields: Any) -> dict[str, Any]:
    """A posting dict with every contract field present; unknown keys are a bug."""
    unknown = set(fields) - set(POSTING_FIELDS)
    if unknown:
        raise KeyError(f"not posting fields: {sorted(unknown)}")
    return {name: fields.get(name) for name in POSTING_FIELDS}
