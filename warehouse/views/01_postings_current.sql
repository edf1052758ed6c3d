-- Open postings (still listed on their board) with their latest hire-type call.
CREATE OR REPLACE VIEW postings_current AS
SELECT p.posting_id, p.company, p.title, p.location, p.remote, p.url, p.posted_at,
       p.first_seen, p.last_seen, h.hire_type, h.expertise_probability,
       p.ats, p.board, p.department, p.team, p.employment_type,
       p.salary_min, p.salary_max, p.salary_currency, p.salary_period, p.content_hash
FROM postings p
LEFT JOIN hire_types h USING (posting_id)
WHERE p.closed_at IS NULL;
