-- Open postings (still listed on their board) with their latest hire-type call, then the normalised
-- readings (migration 002), the canonical posting it is one source of (itself until linked) and the company as
-- the source spells it (migration 009).
CREATE OR REPLACE VIEW postings_current AS
SELECT p.posting_id, p.company, p.title, p.location, p.remote, p.url, p.posted_at,
       p.first_seen, p.last_seen, h.hire_type, h.expertise_probability,
       p.ats, p.board, p.department, p.team, p.employment_type,
       p.salary_min, p.salary_max, p.salary_currency, p.salary_period, p.content_hash,
       p.salary_min_annual, p.salary_max_annual, p.salary_source, p.country, p.city, p.region,
       p.employment_type_code, p.seniority, coalesce(l.canonical_id, p.posting_id) AS canonical_id,
       p.company_source_name
FROM postings p
LEFT JOIN hire_types h USING (posting_id)
LEFT JOIN posting_links l USING (posting_id)
WHERE p.closed_at IS NULL;
