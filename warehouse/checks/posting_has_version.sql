-- Every posting's current content is kept in posting_versions with its raw payload.
-- severity: error
-- Convention for every file here: one read-only SELECT returning the rows that break the rule (no rows =
-- pass); `severity: error` fails the market-scan flow, `severity: warn` is only logged; both are recorded
-- in check_results.
SELECT p.posting_id, p.content_hash
FROM postings p
WHERE NOT EXISTS (SELECT 1 FROM posting_versions v
                  WHERE v.posting_id = p.posting_id AND v.content_hash = p.content_hash)
