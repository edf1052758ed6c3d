-- Normalised readings of each posting, and the links between postings.
--
-- The contract columns keep what the source said; these hold scrapers.normalise's reading of it. Rows
-- loaded before this migration get them at their next scan.
-- salary_*_annual: salary_min/max × periods a year (hour 2080, day 260, week 52, month 12, year 1);
-- salary_source: ats (structured fields) | text (read from the description); country: ISO 3166-1 alpha-2;
-- region: Europe | EMEA | APAC | LATAM | North America | Americas | Worldwide;
-- employment_type_code: full_time | part_time | contract | internship | temporary;
-- seniority (from the title): intern | junior | mid | senior | lead | staff | principal | director | executive.
ALTER TABLE postings ADD COLUMN salary_min_annual DOUBLE;
ALTER TABLE postings ADD COLUMN salary_max_annual DOUBLE;
ALTER TABLE postings ADD COLUMN salary_source VARCHAR;
ALTER TABLE postings ADD COLUMN country VARCHAR;
ALTER TABLE postings ADD COLUMN city VARCHAR;
ALTER TABLE postings ADD COLUMN region VARCHAR;
ALTER TABLE postings ADD COLUMN employment_type_code VARCHAR;
ALTER TABLE postings ADD COLUMN seniority VARCHAR;

-- Identity across sources and over time, drawn by pipelines/dedupe.py once per posting, the first time it
-- sees it. A posting on its own board is identified by its native id (posting_id): two ids on one board are
-- two listings, never merged. The same job on several sources shares a canonical_id, matched in layers:
--   url                     the same URL less tracking parameters, when it names one posting on its board;
--   company_title_location  the same company, title and location keys, each board having one open posting
--                           with them;
--   text                    the same company and title keys and near-identical descriptions.
-- Only postings open at the same time and from different sources are joined; a group holds at most one posting
-- per source; canonical_id is its earliest posting (native_id: a posting matched to none is its own canonical).
-- Every source URL stays on its own postings row (provenance); postings_deduped lists them per canonical posting.
-- repost_of: a later new posting at the same company with the same title key, a compatible location and
-- near-identical text, outside its group: the original of that chain.
CREATE TABLE posting_links (
    posting_id    VARCHAR PRIMARY KEY,
    canonical_id  VARCHAR NOT NULL,
    match_rule    VARCHAR NOT NULL CHECK (match_rule IN ('native_id', 'url', 'company_title_location', 'text')),
    repost_of     VARCHAR,
    company_key   VARCHAR NOT NULL,    -- the comparison keys as they were when the posting was linked
    title_key     VARCHAR NOT NULL,
    location_key  VARCHAR,
    url_key       VARCHAR,
    linked_at     TIMESTAMPTZ NOT NULL
);
