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
FROM skill_postings sp JOIN posting_skills s USING (content_hash);

-- share = postings that month naming the skill / all postings that month.
CREATE OR REPLACE VIEW skill_demand_monthly AS
WITH totals AS (SELECT date_trunc('month', listed_on)::DATE AS month, count(*) AS total
                FROM skill_postings GROUP BY 1),
     named AS (SELECT date_trunc('month', listed_on)::DATE AS month, skill, count(*) AS postings
               FROM skill_mentions GROUP BY 1, 2)
SELECT month, skill, postings::INTEGER AS postings, postings / total AS share, total::INTEGER AS total_postings
FROM named JOIN totals USING (month)
ORDER BY month, postings DESC, skill;

-- The same by ISO week (weeks start on Monday).
CREATE OR REPLACE VIEW skill_demand_weekly AS
WITH totals AS (SELECT date_trunc('week', listed_on)::DATE AS week, count(*) AS total
                FROM skill_postings GROUP BY 1),
     named AS (SELECT date_trunc('week', listed_on)::DATE AS week, skill, count(*) AS postings
               FROM skill_mentions GROUP BY 1, 2)
SELECT week, skill, postings::INTEGER AS postings, postings / total AS share, total::INTEGER AS total_postings
FROM named JOIN totals USING (week)
ORDER BY week, postings DESC, skill;
