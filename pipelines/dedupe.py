"""Identity across sources and over time: which postings are one job, and which re-list an earlier one.

Runs after each load; each posting is linked once, the first time this step sees it, against what the
warehouse holds then (the design is in warehouse/migrations/002_clean_fields_and_lifecycle.sql):

- canonical_id, layered: native id (posting_id) → canonical URL → (company, title, location) keys →
  near-identical text; layers after the first join only postings of different sources that were open
  together, and a group never holds two postings of one source;
- repost_of: a posting first seen after a near-identical one at the same company with the same title key
  and a compatible location, outside its group, points to the original of that chain.

Near-identical is judged on the whole description, word 5-gram shingles with Jaccard ≥ 0.85, not on the
stored embeddings: the embedder reads only the first 256 tokens, often the company's boilerplate. On the
recorded Ramp postings, four different roles given one title reach cosine 0.89-0.94 (against a 0.97 bar),
while their shingle overlap stays at 0.26-0.40. Only postings sharing the company and title keys are compared.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scrapers.normalise import canonical_url, company_key, title_key
from warehouse.db import transaction, writer
from warehouse.links import descriptions, insert_links, move_links, postings_with_links

SHINGLE_WORDS = 5
NEAR_IDENTICAL = 0.85
MIN_SHINGLES = 40  # a stub or metadata-only description says nothing about identity


@dataclass
class _Posting:
    posting_id: str
    source: tuple[str, str]          # (ats, board)
    company_key: str
    title_key: str
    location_key: str | None
    url_key: str | None
    first_seen: datetime
    closed_at: datetime | None
    canonical_id: str | None         # None: not linked yet
    repost_of: str | None
    match_rule: str = "native_id"

    @property
    def order(self) -> tuple[datetime, str]:
        return self.first_seen, self.posting_id

    def open_at(self, moment: datetime) -> bool:
        return self.first_seen <= moment and (self.closed_at is None or self.closed_at > moment)


def _location_key(city: str | None, country: str | None, region: str | None, location: str | None) -> str | None:
    if city or country or region:
        return "|".join((part or "").casefold() for part in (city, country, region))
    return " ".join(location.casefold().split()) if location else None


def shingles(text: str) -> frozenset[int]:
    """The text's runs of SHINGLE_WORDS words, hashed (within one process: never stored)."""
    words = re.findall(r"\w+", text.casefold())
    return frozenset(map(hash, zip(*(words[i:] for i in range(SHINGLE_WORDS)))))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard overlap of two shingle sets; 0 when either text is too short to judge."""
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


class _Linker:
    """Groups (canonical_id → members) built posting by posting, in first-seen order."""

    def __init__(self, postings: list[_Posting], shingle_sets: dict[str, frozenset[int]]) -> None:
        self.by_id = {p.posting_id: p for p in postings}
        self.shingle_sets = shingle_sets
        self.members: dict[str, list[_Posting]] = defaultdict(list)
        for p in postings:
            if p.canonical_id:
                self.members[p.canonical_id].append(p)
        self.by_url: dict[str, list[_Posting]] = defaultdict(list)
        self.by_place: dict[tuple, list[_Posting]] = defaultdict(list)
        self.by_title: dict[tuple, list[_Posting]] = defaultdict(list)
        for p in postings:
            if p.url_key:
                self.by_url[p.url_key].append(p)
            if p.location_key:
                self.by_place[(p.company_key, p.title_key, p.location_key)].append(p)
            self.by_title[(p.company_key, p.title_key)].append(p)
        # a URL shared by two postings of one board (a careers landing page) identifies neither
        self.url_per_source = Counter((p.source, p.url_key) for p in postings if p.url_key)
        self.changed: set[str] = set()  # linked postings whose canonical_id moved

    def _sim(self, a: _Posting, b: _Posting) -> float:
        empty: frozenset[int] = frozenset()
        return similarity(self.shingle_sets.get(a.posting_id, empty), self.shingle_sets.get(b.posting_id, empty))

    def _sources(self, canonical: str) -> set[tuple[str, str]]:
        return {p.source for p in self.members[canonical]}

    def _candidates(self, new: _Posting) -> list[tuple[str, _Posting]]:
        """Postings of other sources, already linked and open when ``new`` appeared, by layer."""
        def usable(p: _Posting) -> bool:
            return p.canonical_id is not None and p.source != new.source and p.open_at(new.first_seen)

        found: list[tuple[str, _Posting]] = []
        if new.url_key and self.url_per_source[(new.source, new.url_key)] == 1:
            found += [("url", p) for p in self.by_url[new.url_key]
                      if usable(p) and self.url_per_source[(p.source, p.url_key)] == 1]
        if new.location_key:
            alike = [p for p in self.by_place[(new.company_key, new.title_key, new.location_key)]
                     if p.open_at(new.first_seen)]
            per_source = Counter(p.source for p in alike)
            if per_source[new.source] == 1:  # two such listings on one board: which one would it be?
                found += [("company_title_location", p) for p in alike if usable(p) and per_source[p.source] == 1]
        scored = [(self._sim(new, p), p) for p in self.by_title[(new.company_key, new.title_key)] if usable(p)]
        found += [("text", p) for score, p in sorted(scored, key=lambda s: (-s[0], s[1].order))
                  if score >= NEAR_IDENTICAL]
        return found

    def _merge(self, keep: str, gone: str) -> None:
        for p in self.members.pop(gone):
            p.canonical_id = keep
            self.members[keep].append(p)
            self.changed.add(p.posting_id)

    def link(self, new: _Posting) -> None:
        new.canonical_id = new.posting_id
        self.members[new.posting_id] = [new]
        for rule, other in self._candidates(new):
            ours, theirs = new.canonical_id, other.canonical_id
            if ours == theirs or self._sources(ours) & self._sources(theirs):
                continue
            if new.match_rule == "native_id":
                new.match_rule = rule
            first, second = sorted((ours, theirs), key=lambda c: self.by_id[c].order)
            self._merge(first, second)
        earlier = [p for p in self.by_title[(new.company_key, new.title_key)]
                   if p.canonical_id and p.first_seen < new.first_seen and p.canonical_id != new.canonical_id
                   and (p.location_key == new.location_key or not p.location_key or not new.location_key)
                   and self._sim(new, p) >= NEAR_IDENTICAL]
        if earlier:
            original = min(earlier, key=lambda p: p.order)
            new.repost_of = original.repost_of or original.posting_id


def link_duplicates(db: Path) -> dict:
    """Link every posting not linked yet; returns counts: linked, duplicates (joined another source's
    posting), reposts."""
    with writer(db) as con, transaction(con):
        return _link(con)


def _link(con) -> dict:
    postings = []
    for (pid, ats, board, company, title, city, country, region, location, url, first_seen, closed_at,
         canonical, repost_of, c_key, t_key, l_key, u_key) in postings_with_links(con):
        if canonical is None:
            c_key, t_key = company_key(company), title_key(title)
            l_key, u_key = _location_key(city, country, region, location), canonical_url(url)
        postings.append(_Posting(pid, (ats, board), c_key, t_key, l_key, u_key, first_seen, closed_at,
                                 canonical, repost_of))
    new = [p for p in postings if p.canonical_id is None]
    if not new:
        return {"linked": 0, "duplicates": 0, "reposts": 0}
    blocks = Counter((p.company_key, p.title_key) for p in postings)
    touched = {(p.company_key, p.title_key) for p in new}
    compare = [p.posting_id for p in postings
               if (p.company_key, p.title_key) in touched and blocks[(p.company_key, p.title_key)] > 1]
    linker = _Linker(postings, {pid: shingles(text) for pid, text in descriptions(con, compare)})
    for posting in new:
        linker.link(posting)
    insert_links(con, [{"posting_id": p.posting_id, "canonical_id": p.canonical_id, "match_rule": p.match_rule,
                        "repost_of": p.repost_of, "company_key": p.company_key, "title_key": p.title_key,
                        "location_key": p.location_key, "url_key": p.url_key} for p in new],
                 datetime.now(timezone.utc))
    inserted = {p.posting_id for p in new}
    move_links(con, {pid: linker.by_id[pid].canonical_id for pid in sorted(linker.changed - inserted)})
    return {"linked": len(new), "duplicates": sum(p.match_rule != "native_id" for p in new),
            "reposts": sum(p.repost_of is not None for p in new)}
