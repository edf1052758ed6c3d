-- Core tables: scans, what each source returned, postings and their versions.
CREATE SEQUENCE scan_ids START 1;

CREATE TABLE scans (
    scan_id      BIGINT PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    origin       VARCHAR NOT NULL          -- sources file or imported file
);

CREATE TABLE scan_sources (
    scan_id  BIGINT NOT NULL,
    company  VARCHAR NOT NULL,
    ats      VARCHAR NOT NULL,
    board    VARCHAR NOT NULL,
    url      VARCHAR,
    status   VARCHAR NOT NULL CHECK (status IN ('ok', 'failed', 'blocked', 'not_modified')),
    items    INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    error    VARCHAR
);

CREATE TABLE postings (
    posting_id       VARCHAR PRIMARY KEY,  -- hash of (ats, board, native_id)
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
    description      VARCHAR NOT NULL,     -- clean text
    content_hash     VARCHAR NOT NULL,     -- sha256 of the embedded text
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    closed_at        TIMESTAMPTZ,          -- set when its board no longer lists it
    last_scan_id     BIGINT NOT NULL
);

-- Every distinct content a posting has had, with the raw payload that carried it.
CREATE TABLE posting_versions (
    posting_id    VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    first_seen    TIMESTAMPTZ NOT NULL,
    scan_id       BIGINT NOT NULL,
    description_html VARCHAR,
    raw           JSON,
    PRIMARY KEY (posting_id, content_hash)
);

CREATE TABLE rejects (
    scan_id  BIGINT NOT NULL,
    company  VARCHAR,
    ats      VARCHAR,
    board    VARCHAR,
    reason   VARCHAR NOT NULL,
    raw      JSON
);

-- One vector per distinct text and model: nothing is embedded twice.
CREATE TABLE embeddings (
    content_hash  VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    vector        FLOAT[384] NOT NULL,
    PRIMARY KEY (content_hash, model)
);

-- The current classifier's call per posting; recomputed when its text, the model or the company facts change.
CREATE TABLE hire_types (
    posting_id             VARCHAR PRIMARY KEY,
    content_hash           VARCHAR NOT NULL,
    model                  VARCHAR NOT NULL,
    same_title_open        INTEGER NOT NULL,
    new_department         BOOLEAN NOT NULL,
    hire_type              VARCHAR NOT NULL CHECK (hire_type IN ('bandwidth', 'expertise')),
    expertise_probability  DOUBLE NOT NULL,
    evidence               JSON NOT NULL
);

CREATE TABLE fit_scores (
    profile       VARCHAR NOT NULL,        -- profile name
    profile_hash  VARCHAR NOT NULL,        -- hash of resume + preferences
    posting_id    VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    fit_score     DOUBLE NOT NULL,
    explanation   JSON NOT NULL,
    scored_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (profile, posting_id)
);
