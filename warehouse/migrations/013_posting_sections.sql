-- Role content and company boilerplate of each distinct posting text (offsets into postings.description),
-- read with its board's other postings (models/sections.py). Cues, skills, requirement lines and fit read
-- the role content only.
CREATE TABLE posting_sections (
    content_hash  VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,        -- role | boilerplate
    why           VARCHAR NOT NULL,        -- the heading, the line's wording or the board's repetition; '' if none
    start_offset  INTEGER NOT NULL,
    end_offset    INTEGER NOT NULL
);

-- Which texts are segmented, and a fingerprint of their segments: a changed fingerprint is read again.
CREATE TABLE section_readings (
    content_hash  VARCHAR PRIMARY KEY,
    segmenter     VARCHAR NOT NULL,
    fingerprint   VARCHAR NOT NULL
);
