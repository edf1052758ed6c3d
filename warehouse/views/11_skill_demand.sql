-- Skill demand over time. A "posting" here is one distinct (company, text) the skill extractor has read: the same
-- job on several sources (posting_links) counts once, through its canonical posting, and so does the same text
-- listed several times by one company. It is dated by its board's posted date, else when first seen (UTC).
CREATE OR REPLACE VIEW skill_postings AS
SELECT p.company, p.content_hash,
       timezone('UTC', min(coalesce(p.posted_at, p.first_seen)))::DATE AS listed_on,
       any_value(p.title) AS title,                    -- the title is part of the hashed text
       arg_min(p.remote, coalesce(p.posted_at, p.first_seen)) AS remote,
       arg_min(p.country, coalesce(p.posted_at, p.first_seen)) AS country
FROM postings p
JOIN skill_extractions USING (content_hash)
LEFT JOIN posting_links l USING (posting_id)
WHERE l.canonical_id IS NULL OR l.canonical_id = p.posting_id
GROUP BY p.company, p.content_hash;

-- Each skill once per posting, however often the text names it.
CREATE OR REPLACE VIEW skill_mentions AS
SELECT DISTINCT sp.company, sp.content_hash, sp.listed_on, s.skill
FROM skill_postings sp JOIN posting_skills s USING (content_hash)
WHERE s.linked;

-- Skill demand by calendar period: grain 'week' (ISO weeks, from Monday) or 'month'.
-- share = postings that period naming the skill / all postings that period.
CREATE OR REPLACE MACRO dated_postings_by(grain) AS TABLE
SELECT date_trunc(grain, listed_on)::DATE AS period, count(*)::INTEGER AS postings
FROM skill_postings GROUP BY 1 ORDER BY 1;

CREATE OR REPLACE MACRO skill_demand_by(grain) AS TABLE
WITH named AS (SELECT date_trunc(grain, listed_on)::DATE AS period, skill, count(*) AS postings
               FROM skill_mentions GROUP BY 1, 2)
SELECT n.period, n.skill, n.postings::INTEGER AS postings, n.postings / t.postings AS share,
       t.postings AS total_postings
FROM named n JOIN dated_postings_by(grain) t USING (period)
ORDER BY n.period, n.postings DESC, n.skill;

CREATE OR REPLACE VIEW skill_demand_monthly AS
SELECT period AS month, skill, postings, share, total_postings FROM skill_demand_by('month');

CREATE OR REPLACE VIEW skill_demand_weekly AS
SELECT period AS week, skill, postings, share, total_postings FROM skill_demand_by('week');
