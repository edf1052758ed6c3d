-- A posting is seen before it is closed: first_seen <= last_seen and first_seen <= closed_at.
-- severity: error
-- Convention for every file here: one read-only SELECT returning the rows that break the rule (no rows =
-- pass); `severity: error` fails the market-scan flow, `severity: warn` is only logged; both are recorded
-- in check_results.
SELECT posting_id, first_seen, last_seen, closed_at
FROM postings
WHERE last_seen < first_seen OR closed_at < first_seen
