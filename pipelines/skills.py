"""Skill spans in the role content of every posting text the current reader (gazetteer + tagger + linking) has not
read yet (a text whose segments changed is read again: pipelines/sections.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from models.linking import SkillReader
from models.sections import role_text
from warehouse.db import writer

BATCH_TEXTS = 64  # texts tagged per forward pass batch group


def extract_posting_skills(db: Path, reader: SkillReader) -> int:
    """Returns how many texts were read; a new taxonomy, tagger or threshold re-reads all of them."""
    with writer(db) as con:
        rows = con.execute("""
            SELECT DISTINCT ON (p.content_hash) p.content_hash, p.description, b.boilerplate FROM postings p
            LEFT JOIN skill_extractions s USING (content_hash) LEFT JOIN posting_boilerplate b USING (content_hash)
            WHERE s.content_hash IS NULL OR s.extractor <> ?""", [reader.version]).fetchall()
    if not rows:
        return 0
    columns = ("content_hash", "skill", "taxonomy", "taxonomy_id", "requirement", "start_offset", "end_offset",
               "linked", "span_text", "kind", "found_by")
    spans: dict[str, list] = {column: [] for column in columns}
    for first in range(0, len(rows), BATCH_TEXTS):
        batch = rows[first:first + BATCH_TEXTS]
        texts = [role_text(description, boilerplate) for _, description, boilerplate in batch]
        for (content_hash, _, _), found in zip(batch, reader.read_many(texts)):
            for s in found:
                for column, value in zip(columns, (content_hash, s.name, s.taxonomy, s.taxonomy_id, s.requirement,
                                                   s.start, s.end, s.linked, s.text, s.kind, s.found_by)):
                    spans[column].append(value)
    read = pa.table({"content_hash": [r[0] for r in rows], "extractor": [reader.version] * len(rows)})
    found = pa.table(spans, schema=pa.schema([
        ("content_hash", pa.string()), ("skill", pa.string()), ("taxonomy", pa.string()),
        ("taxonomy_id", pa.string()), ("requirement", pa.string()), ("start_offset", pa.int32()),
        ("end_offset", pa.int32()), ("linked", pa.bool_()), ("span_text", pa.string()), ("kind", pa.string()),
        ("found_by", pa.string())]))
    with writer(db) as con:
        con.register("read_texts", read)
        con.register("found_skills", found)
        con.execute("BEGIN")
        con.execute("DELETE FROM posting_skills WHERE content_hash IN (SELECT content_hash FROM read_texts)")
        con.execute(f"INSERT INTO posting_skills ({', '.join(columns)}) SELECT * FROM found_skills")
        con.execute("INSERT OR REPLACE INTO skill_extractions SELECT * FROM read_texts")
        con.execute("COMMIT")
    return len(rows)
