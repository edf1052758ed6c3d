-- Weekly target-company lists per profile, with the pitch notes for the top targets, and the skill-gap roadmap.

-- One row per (week, profile): how the list was made and what the person's pitch is.
CREATE TABLE target_lists (
    week                  DATE NOT NULL,          -- ISO week start (Monday)
    profile               VARCHAR NOT NULL,
    profile_hash          VARCHAR NOT NULL,
    as_of                 TIMESTAMPTZ NOT NULL,   -- postings open at this instant were ranked
    person_pitch          VARCHAR NOT NULL CHECK (person_pitch IN ('bandwidth', 'expertise')),
    pitch_reason          VARCHAR NOT NULL,
    unquantified_bullets  JSON NOT NULL,          -- resume bullets that show no number
    computed_at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (week, profile)
);

-- Ranked companies; a company on the previous list with no scored open role gets rank NULL, change 'dropped'.
CREATE TABLE target_companies (
    week             DATE NOT NULL,
    profile          VARCHAR NOT NULL,
    rank             INTEGER,
    company          VARCHAR NOT NULL,
    score            DOUBLE,                 -- 0-100, see pipelines/targets.py
    open_roles       INTEGER NOT NULL,
    best_posting_id  VARCHAR,
    best_fit         DOUBLE,
    hire_type_mix    VARCHAR,                -- "3 bandwidth / 1 expertise"
    reason           VARCHAR NOT NULL,
    change           VARCHAR NOT NULL,       -- new | up N | down N | same | dropped
    top3_fit         DOUBLE,
    strong_roles     INTEGER,
    new_this_week    INTEGER,
    new_4w           INTEGER,                -- postings listed in the 4 weeks to as_of
    new_departments  INTEGER,
    freshness        DOUBLE,                 -- 0..1
    momentum         DOUBLE,                 -- 0..1, 0.5 = hiring at the usual pace
    pitch_match      DOUBLE,                 -- 0..1, share of the best roles whose hire type fits the pitch
    bandwidth_roles  INTEGER,
    expertise_roles  INTEGER,
    pitch_notes      JSON,                   -- for the top targets only
    PRIMARY KEY (week, profile, company)
);

-- The latest skill-gap roadmap per profile: missing skills ranked by how many target postings they would lift.
CREATE TABLE skill_roadmaps (
    profile         VARCHAR NOT NULL,
    profile_hash    VARCHAR NOT NULL,
    computed_at     TIMESTAMPTZ NOT NULL,
    rank            INTEGER NOT NULL,
    skill           VARCHAR NOT NULL,
    postings_moved  INTEGER NOT NULL,        -- target postings that move up a fit band with the skill
    demand_share    DOUBLE NOT NULL,         -- share of the target postings that name the skill
    growth_13w      DOUBLE,                  -- market-wide share growth over 13 weeks (NULL below the floor)
    return_score    DOUBLE NOT NULL,
    examples        JSON NOT NULL,           -- postings that move: title, company, fit before/after
    PRIMARY KEY (profile, skill)
);
