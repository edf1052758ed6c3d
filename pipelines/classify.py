"""Hire-type calls for open postings whose text, segments, company facts or model changed; cues are read in
the role content (the boilerplate blanked), the embedding is of the whole text."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa

from models.company_facts import CompanyFacts, Seen, facts_by_company
from models.hire_type import HireTypeModel
from models.sections import role_text
from models.vector_cache import load_vectors
from scrapers.normalise import embedding_text
from warehouse.db import writer


def _facts_json(fact: CompanyFacts) -> str:
    return json.dumps(dataclasses.asdict(fact), sort_keys=True)


def classify_postings(db: Path, model: HireTypeModel) -> int:
    """Returns how many postings were (re)classified."""
    with writer(db) as con:
        history = con.execute(
            "SELECT posting_id, company, title, department, first_seen, is_open FROM company_facts").fetchall()
        latest = max((row[4] for row in history), default=None)
        as_of = max(datetime.now(timezone.utc), latest) if latest else datetime.now(timezone.utc)
        facts = facts_by_company([Seen(*row[:5]) for row in history], {row[0] for row in history if row[5]}, as_of)
        candidates = con.execute("""
            SELECT p.posting_id, p.content_hash, p.title, p.description, h.content_hash, h.model, h.facts,
                   b.boilerplate
            FROM postings p LEFT JOIN hire_types h USING (posting_id)
            LEFT JOIN posting_boilerplate b ON b.content_hash = p.content_hash
            WHERE p.closed_at IS NULL ORDER BY p.posting_id""").fetchall()
        rows = [row for row in candidates
                if row[4] != row[1] or row[5] != model.version or row[6] is None
                or json.loads(row[6]) != json.loads(_facts_json(facts[row[0]]))]
        vectors = load_vectors(con, sorted({row[1] for row in rows}))
    rows = [row for row in rows if row[1] in vectors]  # not embedded yet: classified after embedding
    if not rows:
        return 0
    row_facts = [facts[row[0]] for row in rows]
    calls = model.predict([embedding_text(row[2], role_text(row[3], row[7])) for row in rows],
                          vectors=np.stack([vectors[row[1]] for row in rows]), facts=row_facts,
                          title_only=[not (row[3] or "").strip() for row in rows])
    table = pa.table({
        "posting_id": [row[0] for row in rows],
        "content_hash": [row[1] for row in rows],
        "model": [model.version] * len(rows),
        "same_title_open": pa.array([fact.same_title_open for fact in row_facts], pa.int32()),
        "new_department": [fact.new_department for fact in row_facts],
        "hire_type": [call.hire_type for call in calls],
        "expertise_probability": [call.expertise_probability for call in calls],
        "evidence": [json.dumps(call.evidence) for call in calls],
        "facts": [_facts_json(fact) for fact in row_facts],
    })
    with writer(db) as con:
        con.register("new_calls", table)
        con.execute("""INSERT OR REPLACE INTO hire_types BY NAME
                       SELECT * REPLACE (evidence::JSON AS evidence, facts::JSON AS facts) FROM new_calls""")
    return len(rows)
