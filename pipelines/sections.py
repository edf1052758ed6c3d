"""Role content and boilerplate of every posting text, read with its board's other postings (models/sections.py).

Runs before the steps that read a posting's text. A board is read again when it has a text not yet segmented
by this segmenter (a new posting can make a line the board's template); a text whose segments change loses
its skill reading and its hire-type call, so the later steps of the same scan read it again.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow as pa

from models.sections import SEGMENTER_VERSION, fingerprint, segment_board
from warehouse.db import writer


def segment_postings(db: Path) -> int:
    """Returns how many texts were (re)segmented."""
    with writer(db) as con:
        boards = con.execute("""
            SELECT DISTINCT p.ats, p.board FROM postings p LEFT JOIN section_readings r USING (content_hash)
            WHERE r.content_hash IS NULL OR r.segmenter <> ?""", [SEGMENTER_VERSION]).fetchall()
        if not boards:
            return 0
        con.register("boards_to_read", pa.table({"ats": [b[0] for b in boards], "board": [b[1] for b in boards]}))
        rows = con.execute("""
            SELECT DISTINCT ON (p.content_hash) p.ats, p.board, p.content_hash, p.title, p.description, r.fingerprint
            FROM postings p JOIN boards_to_read USING (ats, board)
            LEFT JOIN section_readings r ON r.content_hash = p.content_hash AND r.segmenter = ?
            ORDER BY p.content_hash""", [SEGMENTER_VERSION]).fetchall()
    by_board: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in rows:
        by_board[(row[0], row[1])].append(row)
    sections = {"content_hash": [], "kind": [], "why": [], "start_offset": [], "end_offset": []}
    readings = {"content_hash": [], "segmenter": [], "fingerprint": []}
    for texts in by_board.values():
        for row, segments in zip(texts, segment_board([(row[3], row[4] or "") for row in texts])):
            printed = fingerprint(segments)
            if printed == row[5]:
                continue
            for segment in segments:
                for key, value in (("content_hash", row[2]), ("kind", segment.kind), ("why", segment.why),
                                   ("start_offset", segment.start), ("end_offset", segment.end)):
                    sections[key].append(value)
            for key, value in (("content_hash", row[2]), ("segmenter", SEGMENTER_VERSION), ("fingerprint", printed)):
                readings[key].append(value)
    if not readings["content_hash"]:
        return 0
    found = pa.table(sections, schema=pa.schema([
        ("content_hash", pa.string()), ("kind", pa.string()), ("why", pa.string()), ("start_offset", pa.int32()),
        ("end_offset", pa.int32())]))
    with writer(db) as con:
        con.register("new_sections", found)
        con.register("new_readings", pa.table(readings))
        con.execute("BEGIN")
        for table in ("posting_sections", "skill_extractions", "hire_types"):  # read again by the later steps
            con.execute(f"DELETE FROM {table} WHERE content_hash IN (SELECT content_hash FROM new_readings)")
        con.execute("INSERT INTO posting_sections SELECT * FROM new_sections")
        con.execute("INSERT OR REPLACE INTO section_readings SELECT * FROM new_readings")
        con.execute("COMMIT")
    return len(readings["content_hash"])
