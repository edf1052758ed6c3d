"""What a company's postings say about why one of them is open: the hire-type model's fact features.

One computation for training and serving. Serving reads each company's postings from the warehouse
(``company_facts`` view); training computes the same from what the labelled data holds (a Hacker News
company's posts across the monthly runs, a board file's other postings). A posting is compared with the
company's postings first seen up to ``as_of`` and with those open beside it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from models.roles import title_roles
from scrapers.normalise import company_key, title_key

NEW_WINDOW = timedelta(days=28)  # "new": first seen in the last four weeks
FEATURES = ("other open postings with the same title", "title seen for the first time",
            "earlier listings of the title", "new department", "department age", "has a department",
            "open postings at the company", "posting growth over 4 weeks", "role family's share of open postings")


@dataclass(frozen=True)
class Seen:
    """One of a company's postings, as the facts need it."""
    posting_id: str
    company: str
    title: str
    department: str | None
    first_seen: date | datetime


@dataclass(frozen=True)
class CompanyFacts:
    same_title_open: int = 0            # other open postings with the same title at the company
    title_times_listed: int = 0         # the company's earlier postings with this title (0: first time seen)
    new_department: bool = False        # the department appeared in the last 4 weeks, after the company's first
    department_age_days: float | None = None  # since the department's first posting; None: no department
    company_open: int = 1               # the company's open postings, this one included
    company_growth: float = 0.0         # log((postings new in the last 4 weeks + 1) / (in the 4 before + 1))
    family_share: float = 1.0           # share of the open postings in this posting's role family

    def vector(self) -> list[float]:
        age = self.department_age_days
        return [math.log1p(self.same_title_open), float(self.title_times_listed == 0),
                math.log1p(self.title_times_listed), float(self.new_department),
                math.log1p(age / 7) if age is not None else 0.0, float(age is not None),
                math.log1p(self.company_open), self.company_growth, self.family_share]

    def shown(self) -> list[str]:
        """The facts as a reader would say them, in the order of ``vector`` (and ``FEATURES``)."""
        age = self.department_age_days
        return [str(self.same_title_open), "yes" if self.title_times_listed == 0 else "no",
                str(self.title_times_listed), "yes" if self.new_department else "no",
                f"{age:.0f} days" if age is not None else "none", "yes" if age is not None else "no",
                str(self.company_open), f"{self.company_growth:+.2f} (log ratio)", f"{self.family_share:.0%}"]


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _family(title: str) -> str:
    return title_roles(title).leading or "other"


def facts_at(history: list[Seen], open_ids: set[str], as_of: date | datetime) -> dict[str, CompanyFacts]:
    """{posting id: facts} for one company's open postings; ``history`` is every posting of the company seen
    (those first seen after ``as_of`` are ignored)."""
    as_of = _day(as_of)
    history = [p for p in history if _day(p.first_seen) <= as_of]
    open_now = [p for p in history if p.posting_id in open_ids]
    if not open_now:
        return {}
    started = min(_day(p.first_seen) for p in history)
    department_start: dict[str, date] = {}
    for p in history:
        if p.department:
            department_start[p.department] = min(department_start.get(p.department, as_of), _day(p.first_seen))
    titles = defaultdict(list)
    for p in history:
        titles[title_key(p.title)].append(_day(p.first_seen))
    open_titles = defaultdict(int)
    open_families = defaultdict(int)
    for p in open_now:
        open_titles[title_key(p.title)] += 1
        open_families[_family(p.title)] += 1
    recent = sum(as_of - NEW_WINDOW < _day(p.first_seen) for p in history)
    before = sum(as_of - 2 * NEW_WINDOW < _day(p.first_seen) <= as_of - NEW_WINDOW for p in history)
    growth = round(math.log((recent + 1) / (before + 1)), 4)
    out = {}
    for p in open_now:
        seen, key = _day(p.first_seen), title_key(p.title)
        since = department_start.get(p.department) if p.department else None
        out[p.posting_id] = CompanyFacts(
            same_title_open=open_titles[key] - 1,
            title_times_listed=sum(day < seen for day in titles[key]),
            new_department=since is not None and since > started and since > as_of - NEW_WINDOW,
            department_age_days=float((seen - since).days) if since is not None else None,
            company_open=len(open_now),
            company_growth=growth,
            family_share=round(open_families[_family(p.title)] / len(open_now), 4))
    return out


def facts_by_company(history: list[Seen], open_ids: set[str], as_of: date | datetime) -> dict[str, CompanyFacts]:
    """``facts_at`` for every company in ``history`` (companies compared by ``company_key``)."""
    companies = defaultdict(list)
    for p in history:
        companies[company_key(p.company)].append(p)
    return {pid: fact for rows in companies.values() for pid, fact in facts_at(rows, open_ids, as_of).items()}


def facts_among(postings: list[dict]) -> list[CompanyFacts]:
    """Facts for postings read together with no history (a postings file, one board): each is compared with
    the others of its company, all open and first seen on the same day."""
    today = date.today()
    history = [Seen(str(i), p.get("company") or "", p["title"], p.get("department"), today)
               for i, p in enumerate(postings)]
    facts = facts_by_company(history, {p.posting_id for p in history}, today)
    return [facts[str(i)] for i in range(len(postings))]
