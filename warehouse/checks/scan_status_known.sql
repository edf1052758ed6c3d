-- scan_log statuses are the documented ones: ok, failed, blocked, not_modified.
-- severity: error
-- Convention for every file here: one read-only SELECT returning the rows that break the rule (no rows =
-- pass); `severity: error` fails the market-scan flow, `severity: warn` is only logged; both are recorded
-- in check_results.
SELECT scan_id, company, ats, board, status
FROM scan_log
WHERE status IS NULL OR status NOT IN ('ok', 'failed', 'blocked', 'not_modified')
