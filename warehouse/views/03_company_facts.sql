-- What the warehouse knows about each open posting's company: how many other open postings share its
-- title, and whether its department is new (first seen in the last 4 weeks, after the company's first postings).
CREATE OR REPLACE VIEW company_facts AS
WITH open_postings AS (
    SELECT posting_id, company, title_key(title) AS title_key, department, first_seen
    FROM postings WHERE closed_at IS NULL
),
company_start AS (SELECT company, min(first_seen) AS since FROM postings GROUP BY company),
department_start AS (
    SELECT company, department, min(first_seen) AS since FROM postings
    WHERE department IS NOT NULL GROUP BY company, department
)
SELECT o.posting_id,
       (count(*) OVER (PARTITION BY o.company, o.title_key) - 1)::INTEGER AS same_title_open,
       coalesce(d.since > c.since AND d.since > now() - INTERVAL 28 DAY, false) AS new_department
FROM open_postings o
JOIN company_start c USING (company)
LEFT JOIN department_start d ON d.company = o.company AND d.department = o.department;
