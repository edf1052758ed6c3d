-- Fit scores lie in 0-100.
-- severity: error
-- Convention for every file here: one read-only SELECT returning the rows that break the rule (no rows =
-- pass); `severity: error` fails the market-scan flow, `severity: warn` is only logged; both are recorded
-- in check_results.
SELECT profile, posting_id, fit_score
FROM fit_scores
-- NaN sorts above every number in DuckDB, so NOT BETWEEN catches it too
WHERE NOT (fit_score BETWEEN 0 AND 100)
