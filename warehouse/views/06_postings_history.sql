-- One row per posting ever seen: its life as the scans saw it.
--   days_open       whole days from first_seen to closed_at, or to last_seen while it is open
--   versions        distinct contents it has had (posting_versions)
--   canonical_id    shared by the same job on other sources (pipelines/dedupe.py; itself until linked)
--   repost_of       the original posting this one re-lists: a later new posting at the same company with the
--                   same title and near-identical text (NULL for an original)
--   times_reposted  re-listings in its chain, each counted once however many sources carry it; the original
--                   and each of its reposts show the same number
CREATE OR REPLACE VIEW postings_history AS
WITH links AS (
    SELECT p.posting_id, coalesce(l.canonical_id, p.posting_id) AS canonical_id, l.repost_of,
           coalesce(o.canonical_id, l.repost_of, l.canonical_id, p.posting_id) AS chain
    FROM postings p
    LEFT JOIN posting_links l USING (posting_id)
    LEFT JOIN posting_links o ON o.posting_id = l.repost_of
),
chains AS (SELECT chain, (count(DISTINCT canonical_id) - 1)::INTEGER AS times_reposted FROM links GROUP BY chain),
versions AS (SELECT posting_id, count(*)::INTEGER AS versions FROM posting_versions GROUP BY posting_id)
SELECT p.posting_id, p.company, p.title, p.ats, p.board, p.url, p.posted_at,
       p.first_seen, p.last_seen, p.closed_at,
       floor((epoch(coalesce(p.closed_at, p.last_seen)) - epoch(p.first_seen)) / 86400)::INTEGER AS days_open,
       coalesce(v.versions, 0) AS versions, l.canonical_id, l.repost_of, c.times_reposted
FROM postings p
JOIN links l USING (posting_id)
JOIN chains c USING (chain)
LEFT JOIN versions v USING (posting_id);
