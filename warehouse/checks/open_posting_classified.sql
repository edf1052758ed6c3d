-- Every open posting has a hire-type call for its current text once a scan has finished.
-- severity: warn
-- Convention for every file here: one read-only SELECT returning the rows that break the rule (no rows =
-- pass); `severity: error` fails the market-scan flow, `severity: warn` is only logged; both are recorded
-- in check_results.
SELECT p.posting_id, p.company, p.title
FROM postings p LEFT JOIN hire_types h USING (posting_id)
WHERE p.closed_at IS NULL AND (h.posting_id IS NULL OR h.content_hash <> p.content_hash)
