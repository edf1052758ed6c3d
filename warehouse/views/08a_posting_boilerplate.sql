-- The boilerplate spans of each segmented posting text, [start, end) into postings.description, in order:
-- what every reader of a posting blanks before reading cues, skills and requirement lines (models/sections.py).
CREATE OR REPLACE VIEW posting_boilerplate AS
SELECT content_hash, list([start_offset, end_offset] ORDER BY start_offset) AS boilerplate
FROM posting_sections WHERE kind = 'boilerplate'
GROUP BY content_hash;
