"""Hire-type calls for open postings whose text, segments, company facts or model changed; cues are read in
the role content (the boilerplate blanked), the embedding is of the whole text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from models.hire_type import CompanyFacts, HireTypeModel
from models.sections import role_text
from pipelines.embed import load_vectors
from scrapers.normalise import embedding_text
from warehouse.db import writer


def classify_postings(db: Path, model: HireTypeModel) -> int:
    """Returns how many postings were (re)classified."""
    with writer(db) as con:
        rows = con.execute("""
            SELECT p.posting_id, p.content_hash, p.title, p.description, f.same_title_open, f.new_department,
                   b.boilerplate
            FROM postings p JOIN company_facts f USING (posting_id)
            LEFT JOIN posting_boilerplate b USING (content_hash)
            LEFT JOIN hire_types h USING (posting_id)
            WHERE h.posting_id IS NULL OR h.content_hash <> p.content_hash OR h.model <> ?
               OR h.same_title_open <> f.same_title_open OR h.new_department <> f.new_department
            ORDER BY p.posting_id""", [model.version]).fetchall()
        vectors = load_vectors(con, sorted({row[1] for row in rows}))
    rows = [row for row in rows if row[1] in vectors]  # not embedded yet: classified after embedding
    if not rows:
        return 0
    calls = model.predict([embedding_text(row[2], role_text(row[3], row[6])) for row in rows],
                          vectors=np.stack([vectors[row[1]] for row in rows]),
                          facts=[CompanyFacts(row[4], row[5]) for row in rows],
                          title_only=[not (row[3] or "").strip() for row in rows])
    table = pa.table({
        "posting_id": [row[0] for row in rows],
        "content_hash": [row[1] for row in rows],
        "model": [model.version] * len(rows),
        "same_title_open": pa.array([row[4] for row in rows], pa.int32()),
        "new_department": [row[5] for row in rows],
        "hire_type": [call.hire_type for call in calls],
        "expertise_probability": [call.expertise_probability for call in calls],
        "evidence": [json.dumps(call.evidence) for call in calls],
    })
    with writer(db) as con:
        con.register("new_calls", table)
        con.execute("INSERT OR REPLACE INTO hire_types SELECT * EXCLUDE (evidence), evidence::JSON FROM new_calls")
    return len(rows)
