-- What the weekly report (pipelines/report.py) reads: each a table macro, called by name with its arguments.

-- The profiles holding a target list for a week, and one profile's list.
CREATE OR REPLACE MACRO report_profiles(for_week) AS TABLE
SELECT profile FROM target_lists WHERE week = for_week ORDER BY profile;

CREATE OR REPLACE MACRO report_list(for_week, for_profile) AS TABLE
SELECT as_of, person_pitch, pitch_reason, unquantified_bullets FROM target_lists
WHERE week = for_week AND profile = for_profile;

-- The week's ranked companies (then the dropped ones), each with its best posting's title and link.
CREATE OR REPLACE MACRO report_targets(for_week, for_profile) AS TABLE
SELECT t.rank, t.company, t.score, t.open_roles, t.best_fit, t.best_posting_id, t.hire_type_mix, t.change, t.reason,
       t.pitch_notes, t.bandwidth_roles, t.expertise_roles, p.title AS best_title, p.url AS best_url
FROM target_companies t LEFT JOIN postings p ON p.posting_id = t.best_posting_id
WHERE t.week = for_week AND t.profile = for_profile
ORDER BY t.rank NULLS LAST, t.company;

CREATE OR REPLACE MACRO report_roadmap(for_profile) AS TABLE
SELECT rank, skill, postings_moved, demand_share, growth_13w, return_score, examples
FROM skill_roadmaps WHERE profile = for_profile ORDER BY rank;

-- The best-fitting open postings, several per company (one row per job: a job listed on several sources shows
-- through its canonical posting): the first ``how_many`` in fit_ranked's order and any posting in ``also`` (the
-- target companies' best), with what a posting card shows: place, remote, annual salary, the hire-type call with
-- its evidence and the description the deciding sentence is quoted from, and the fit explanation (matched
-- requirements, gaps, broken preferences).
CREATE OR REPLACE MACRO report_postings(for_profile, how_many, also) AS TABLE
SELECT f.posting_id, f.company, f.title, f.url, f.fit_score, f.tier, c.location, c.city, c.region, c.country,
       c.remote, c.salary_min_annual, c.salary_max_annual, c.salary_currency, c.hire_type,
       c.expertise_probability, h.evidence AS hire_evidence, p.description,
       f.explanation->'$.matched' AS matched, f.explanation->'$.gaps' AS gaps, f.explanation->'$.gates' AS gates,
       f.explanation->>'$.confidence' AS confidence
FROM fit_ranked f
JOIN postings_current c USING (posting_id)
JOIN postings p USING (posting_id)
LEFT JOIN hire_types h USING (posting_id)
WHERE f.profile = for_profile AND c.canonical_id = c.posting_id
QUALIFY row_number() OVER (ORDER BY f.tier, f.fit_score DESC, f.posting_id) <= how_many
        OR list_contains(also, f.posting_id)
ORDER BY f.tier, f.fit_score DESC, f.posting_id;

-- What the data cannot support, for the report's warning box: open jobs, those read without a description
-- (judged from the title only), and the dated postings the rising-skills window (skill_windows) holds.
CREATE OR REPLACE MACRO report_data_limits(until_day, weeks) AS TABLE
SELECT (SELECT count(*) FROM postings_current WHERE canonical_id = posting_id)::INTEGER AS open_postings,
       (SELECT count(*) FROM postings_current c JOIN postings p USING (posting_id)
        WHERE c.canonical_id = c.posting_id AND coalesce(p.description, '') = '')::INTEGER AS title_only,
       (SELECT recent_total FROM skill_windows(weeks, until_week := until_day))::INTEGER AS dated_recent;

-- The sources the latest scan could not read (failed or blocked), with the reason.
CREATE OR REPLACE MACRO report_failed_sources() AS TABLE
SELECT scan_id, started_at, company, ats, board, status, error
FROM scan_log
WHERE scan_id = (SELECT max(scan_id) FROM scans) AND status IN ('failed', 'blocked')
ORDER BY company, board;
