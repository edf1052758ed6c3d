-- How likely each open posting is stale or a ghost listing, read from the lifecycle, as of the latest scan.
-- Three signals, each 0 when absent, combined as a noisy-OR (any one alone raises the score):
--   age        days since the earlier of first_seen and posted_at: 0 up to 30 days, rising to 0.8 at 120
--   reposts    re-listings in its chain (postings_history.times_reposted): 0.4 each, 0.8 at most
--   evergreen  0.5 when the company has listed the same title continuously (gaps under 7 days) for over 60 days
--              across two or more canonical postings, or has reposted it 2 times or more
-- stale_score = 1 - (1 - age)(1 - reposts)(1 - evergreen), in 0..1; stale_reasons names the signals that fired.
-- title_listed_days: the length of that continuous run of the title, this posting included.
CREATE OR REPLACE VIEW posting_staleness AS
WITH keyed AS (
    SELECT p.posting_id, p.first_seen, coalesce(p.closed_at, p.last_seen) AS seen_until,
           coalesce(l.company_key, company_key(p.company)) AS company_key,
           coalesce(l.title_key, title_key(p.title)) AS title_key,
           coalesce(l.canonical_id, p.posting_id) AS canonical_id
    FROM postings p LEFT JOIN posting_links l USING (posting_id)
),
ordered AS (
    SELECT *, max(seen_until) OVER (PARTITION BY company_key, title_key ORDER BY first_seen, posting_id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS covered_until
    FROM keyed
),
runs AS (
    SELECT *, sum(CASE WHEN covered_until IS NULL OR first_seen > covered_until + INTERVAL 7 DAY THEN 1 ELSE 0 END)
                  OVER (PARTITION BY company_key, title_key ORDER BY first_seen, posting_id) AS run
    FROM ordered
),
run_spans AS (
    SELECT company_key, title_key, run,
           floor((epoch(max(seen_until)) - epoch(min(first_seen))) / 86400)::INTEGER AS run_days,
           count(DISTINCT canonical_id) AS run_postings
    FROM runs GROUP BY company_key, title_key, run
),
signals AS (
    SELECT p.posting_id, p.company, p.title, h.times_reposted, s.run_days, s.run_postings,
           floor((epoch((SELECT max(started_at) FROM scans))
                  - epoch(least(p.first_seen, coalesce(p.posted_at, p.first_seen)))) / 86400)::INTEGER AS age_days
    FROM postings p
    JOIN postings_history h USING (posting_id)
    JOIN runs r USING (posting_id)
    JOIN run_spans s ON s.company_key = r.company_key AND s.title_key = r.title_key AND s.run = r.run
    WHERE p.closed_at IS NULL
),
scored AS (
    SELECT *,
           least(0.8, greatest(0.0, (age_days - 30) / 90 * 0.8)) AS age_signal,
           least(0.8, 0.4 * times_reposted) AS repost_signal,
           run_days > 60 AND run_postings >= 2 AS listed_continuously,
           CASE WHEN (run_days > 60 AND run_postings >= 2) OR times_reposted >= 2 THEN 0.5 ELSE 0.0 END
               AS evergreen_signal
    FROM signals
)
SELECT posting_id, company, title, age_days, times_reposted, run_days AS title_listed_days,
       round(1 - (1 - age_signal) * (1 - repost_signal) * (1 - evergreen_signal), 3) AS stale_score,
       list_filter([
           CASE WHEN age_signal > 0 THEN format('open {} days', age_days) END,
           CASE WHEN times_reposted > 0 THEN format('reposted {} time(s)', times_reposted) END,
           CASE WHEN listed_continuously THEN format('evergreen title: listed continuously for {} days', run_days)
                WHEN evergreen_signal > 0 THEN 'evergreen title: reposted 2 times or more' END
       ], lambda reason: reason IS NOT NULL) AS stale_reasons
FROM scored;
