-- Skills mentioned in each distinct posting text (offsets into postings.description).
CREATE TABLE posting_skills (
    content_hash  VARCHAR NOT NULL,
    skill         VARCHAR NOT NULL,        -- canonical taxonomy name
    taxonomy      VARCHAR NOT NULL,        -- onet | esco | marketfit
    taxonomy_id   VARCHAR NOT NULL,
    requirement   VARCHAR,                 -- must | nice | NULL when the text does not say
    start_offset  INTEGER NOT NULL,
    end_offset    INTEGER NOT NULL
);

-- Which texts the current extractor has read (texts with no skill have no posting_skills rows).
CREATE TABLE skill_extractions (
    content_hash  VARCHAR PRIMARY KEY,
    extractor     VARCHAR NOT NULL
);
