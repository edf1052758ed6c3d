-- One row per canonical posting: the same job listed on several sources counted once (layers in
-- warehouse/migrations/002_clean_fields_and_lifecycle.sql). Fields come from the canonical (earliest)
-- posting; the salary from the member that states one, structured ATS fields first. `sources` lists every
-- member's URL and `posting_ids` every member, earliest first (provenance); closed_at is NULL while any
-- member is still listed.
CREATE OR REPLACE VIEW postings_deduped AS
WITH members AS (
    SELECT p.*, coalesce(l.canonical_id, p.posting_id) AS canonical_id
    FROM postings p LEFT JOIN posting_links l USING (posting_id)
),
groups AS (
    SELECT canonical_id,
           count(*)::INTEGER AS source_count,
           list(url ORDER BY first_seen, posting_id) FILTER (WHERE url IS NOT NULL) AS sources,
           list(posting_id ORDER BY first_seen, posting_id) AS posting_ids,
           min(first_seen) AS first_seen, max(last_seen) AS last_seen,
           CASE WHEN bool_or(closed_at IS NULL) THEN NULL ELSE max(closed_at) END AS closed_at,
           arg_min({'min': salary_min_annual, 'max': salary_max_annual, 'currency': salary_currency,
                    'source': salary_source}, (salary_source <> 'ats', first_seen))
               FILTER (WHERE salary_source IS NOT NULL) AS salary
    FROM members GROUP BY canonical_id
)
SELECT g.canonical_id, c.company, c.title, c.location, c.remote, c.country, c.city, c.region,
       c.employment_type_code, c.seniority, c.url, c.posted_at, g.first_seen, g.last_seen, g.closed_at,
       g.salary.min AS salary_min_annual, g.salary.max AS salary_max_annual,
       g.salary.currency AS salary_currency, g.salary.source AS salary_source,
       g.source_count, g.sources, g.posting_ids
FROM groups g JOIN postings c ON c.posting_id = g.canonical_id;
