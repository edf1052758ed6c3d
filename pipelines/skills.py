"""Skill mentions in the role content of every posting text the current extractor has not read yet (a text
whose segments changed is read again: pipelines/sections.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from models.sections import role_text
from models.skills import SkillExtractor
from warehouse.db import writer


def extract_posting_skills(db: Path, extractor: SkillExtractor) -> int:
    """Returns how many texts were read; a new taxonomy version re-reads all of them."""
    with writer(db) as con:
        rows = con.execute("""
            SELECT DISTINCT ON (p.content_hash) p.content_hash, p.description, b.boilerplate FROM postings p
            LEFT JOIN skill_extractions s USING (content_hash) LEFT JOIN posting_boilerplate b USING (content_hash)
            WHERE s.content_hash IS NULL OR s.extractor <> ?""", [extractor.version]).fetchall()
    if not rows:
        return 0
    mentions = {"content_hash": [], "skill": [], "taxonomy": [], "taxonomy_id": [], "requirement": [],
                "start_offset": [], "end_offset": []}
    for content_hash, description, boilerplate in rows:
        for m in extractor.extract(role_text(description, boilerplate)):
            for key, value in (("content_hash", content_hash), ("skill", m.name), ("taxonomy", m.taxonomy),
                               ("taxonomy_id", m.taxonomy_id), ("requirement", m.requirement),
                               ("start_offset", m.start), ("end_offset", m.end)):
                mentions[key].append(value)
    read = pa.table({"content_hash": [r[0] for r in rows], "extractor": [extractor.version] * len(rows)})
    found = pa.table(mentions, schema=pa.schema([
        ("content_hash", pa.string()), ("skill", pa.string()), ("taxonomy", pa.string()),
        ("taxonomy_id", pa.string()), ("requirement", pa.string()), ("start_offset", pa.int32()),
        ("end_offset", pa.int32())]))
    with writer(db) as con:
        con.register("read_texts", read)
        con.register("found_skills", found)
        con.execute("BEGIN")
        con.execute("DELETE FROM posting_skills WHERE content_hash IN (SELECT content_hash FROM read_texts)")
        con.execute("INSERT INTO posting_skills SELECT * FROM found_skills")
        con.execute("INSERT OR REPLACE INTO skill_extractions SELECT * FROM read_texts")
        con.execute("COMMIT")
    return len(rows)
