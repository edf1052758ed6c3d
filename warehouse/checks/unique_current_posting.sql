-- Each open posting appears once in postings_current (a join that fans out would list it twice).
-- severity: error
-- Convention for every file here: one read-only SELECT returning the rows that break the rule (no rows =
-- pass); `severity: error` fails the market-scan flow, `severity: warn` is only logged; both are recorded
-- in check_results.
SELECT posting_id, count(*) AS rows_listed
FROM postings_current
GROUP BY posting_id
HAVING count(*) > 1
