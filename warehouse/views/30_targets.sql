-- Read models of the weekly target list and the skill-gap roadmap (pipelines/targets.py, pipelines/roadmap.py).

-- The profile's scored postings open at `as_of`, company by company, tier first then best-fitting.
CREATE OR REPLACE MACRO target_roles(profile_name, as_of) AS TABLE
SELECT p.posting_id, p.company, p.title, p.content_hash, f.fit_score, f.explanation, h.hire_type,
       h.expertise_probability, least(p.first_seen, coalesce(p.posted_at, p.first_seen)) AS listed_at, f.tier
FROM fit_scores f JOIN postings p USING (posting_id) LEFT JOIN hire_types h USING (posting_id)
WHERE f.profile = profile_name AND p.first_seen <= as_of AND (p.closed_at IS NULL OR p.closed_at > as_of)
ORDER BY p.company, f.tier, f.fit_score DESC, p.posting_id;

-- How many postings are scored for a profile, and the span in which they were seen.
CREATE OR REPLACE MACRO scored_posting_span(profile_name) AS TABLE
SELECT count(*) AS postings, min(p.first_seen) AS first_seen, max(coalesce(p.closed_at, p.last_seen)) AS last_seen
FROM fit_scores f JOIN postings p USING (posting_id) WHERE f.profile = profile_name;

-- Each company's hiring pace at `as_of`: postings open then, listed in the 4 weeks to it, in the 12 weeks before,
-- and departments first seen in those 4 weeks (after the company's first posting).
CREATE OR REPLACE MACRO company_hiring_pace(as_of) AS TABLE
WITH listed AS (
    SELECT company, department, least(first_seen, coalesce(posted_at, first_seen)) AS listed_at,
           closed_at IS NULL OR closed_at > as_of AS still_open
    FROM postings WHERE first_seen <= as_of),
company_start AS (SELECT company, min(listed_at) AS since FROM listed GROUP BY company),
new_departments AS (
    SELECT d.company, count(*) AS n
    FROM (SELECT company, department, min(listed_at) AS since FROM listed
          WHERE department IS NOT NULL GROUP BY ALL) d JOIN company_start c USING (company)
    WHERE d.since > as_of - INTERVAL 28 DAY AND d.since > c.since
    GROUP BY d.company)
SELECT l.company,
       count(*) FILTER (WHERE still_open)::INTEGER AS open_postings,
       count(*) FILTER (WHERE listed_at > as_of - INTERVAL 28 DAY)::INTEGER AS new_4w,
       count(*) FILTER (WHERE listed_at <= as_of - INTERVAL 28 DAY AND listed_at > as_of - INTERVAL 112 DAY)::INTEGER
           AS before_12w,
       coalesce(any_value(n.n), 0)::INTEGER AS new_departments
FROM listed l LEFT JOIN new_departments n USING (company)
GROUP BY l.company;

-- Share of the postings open at `as_of` that name each skill.
CREATE OR REPLACE MACRO skill_share_at(as_of) AS TABLE
WITH open_postings AS (SELECT posting_id, content_hash FROM postings
                       WHERE first_seen <= as_of AND (closed_at IS NULL OR closed_at > as_of))
SELECT s.skill, count(DISTINCT o.posting_id) / (SELECT count(*) FROM open_postings) AS share
FROM open_postings o JOIN posting_skills s USING (content_hash) WHERE s.linked GROUP BY s.skill;

-- The skills each text names, in order of first mention.
CREATE OR REPLACE MACRO content_skills(hashes) AS TABLE
SELECT content_hash, list(skill ORDER BY first_offset, skill) AS skills
FROM (SELECT content_hash, skill, min(start_offset) AS first_offset FROM posting_skills
      WHERE linked AND list_contains(hashes, content_hash) GROUP BY ALL)
GROUP BY content_hash;

-- The companies' ranks on the profile's last list before `week`.
CREATE OR REPLACE MACRO previous_target_ranks(profile_name, week_start) AS TABLE
SELECT company, rank FROM target_companies
WHERE profile = profile_name AND rank IS NOT NULL
  AND week = (SELECT max(week) FROM target_lists WHERE profile = profile_name AND week < week_start);

-- The open postings scored for a profile as the fit scorer reads them, best-fitting first (tier first).
CREATE OR REPLACE MACRO scored_fit_inputs(profile_name) AS TABLE
SELECT i.* FROM fit_scores f JOIN fit_inputs i USING (posting_id)
WHERE f.profile = profile_name ORDER BY f.tier, f.fit_score DESC, i.posting_id;

-- How many open postings name each skill, beside how many postings are open (the market the fit scorer weighs:
-- the gazetteer's mentions, as in fit_inputs).
CREATE OR REPLACE VIEW open_skill_frequency AS
SELECT s.skill, count(DISTINCT p.posting_id)::INTEGER AS postings,
       (SELECT count(*) FROM postings WHERE closed_at IS NULL)::INTEGER AS open_postings
FROM postings p JOIN posting_skills s USING (content_hash)
WHERE p.closed_at IS NULL AND s.found_by <> 'tagger' GROUP BY s.skill;
