-- The long texts (clean description, raw payload) compressed with zstd instead of DuckDB's default string
-- compression, and posting_versions without description_html: the spiders derive it from the raw payload,
-- which is kept (a second copy of every posting's HTML). A 100k-posting load commits ~3× faster into a file
-- ~3× smaller (bench/bench.py, load step). DuckDB sets a column's compression only when the table is
-- created, so both tables are rebuilt: the same columns in the same order (less one), the same keys.
CREATE TABLE postings_zstd (
    posting_id       VARCHAR PRIMARY KEY,
    ats              VARCHAR NOT NULL,
    board            VARCHAR NOT NULL,
    native_id        VARCHAR NOT NULL,
    company          VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,
    location         VARCHAR,
    remote           VARCHAR,
    url              VARCHAR,
    posted_at        TIMESTAMPTZ,
    department       VARCHAR,
    team             VARCHAR,
    employment_type  VARCHAR,
    salary_min       DOUBLE,
    salary_max       DOUBLE,
    salary_currency  VARCHAR,
    salary_period    VARCHAR,
    description      VARCHAR NOT NULL USING COMPRESSION zstd,
    content_hash     VARCHAR NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    closed_at        TIMESTAMPTZ,
    last_scan_id     BIGINT NOT NULL,
    salary_min_annual DOUBLE,
    salary_max_annual DOUBLE,
    salary_source    VARCHAR,
    country          VARCHAR,
    city             VARCHAR,
    region           VARCHAR,
    employment_type_code VARCHAR,
    seniority        VARCHAR
);
INSERT INTO postings_zstd SELECT * FROM postings;
DROP TABLE postings;
ALTER TABLE postings_zstd RENAME TO postings;

CREATE TABLE posting_versions_zstd (
    posting_id    VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    first_seen    TIMESTAMPTZ NOT NULL,
    scan_id       BIGINT NOT NULL,
    raw           JSON USING COMPRESSION zstd,
    PRIMARY KEY (posting_id, content_hash)
);
INSERT INTO posting_versions_zstd SELECT * EXCLUDE (description_html) FROM posting_versions;
DROP TABLE posting_versions;
ALTER TABLE posting_versions_zstd RENAME TO posting_versions;
