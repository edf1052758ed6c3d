-- Growth of each skill's share: the last `window_weeks` weeks against the `window_weeks` weeks before them.
-- The windows end at `until_week` (a Monday, exclusive), by default the Monday after the latest dated posting.
-- Below the floor (`min_postings` mentions in both windows together, or fewer than `min_postings` postings in
-- either window) growth and trend are NULL.
-- trend: 'new' (not named in the earlier window), 'rising' (share x1.5 or more), 'falling' (share /1.5 or less),
-- 'steady'. Emerging skills are trend IN ('new', 'rising').
-- The two windows' bounds and how many dated postings read for skills each holds (what the floor is held to).
CREATE OR REPLACE MACRO skill_windows(window_weeks, until_week := NULL) AS TABLE
WITH bounds AS (
    SELECT anchor AS as_of, anchor - 7 * window_weeks AS mid, anchor - 14 * window_weeks AS start
    FROM (SELECT coalesce(until_week::DATE,
                          (SELECT max(date_trunc('week', listed_on))::DATE + 7 FROM skill_postings)) AS anchor)
)
SELECT as_of, mid, start,
       count(*) FILTER (WHERE listed_on >= mid AND listed_on < as_of) AS recent_total,
       count(*) FILTER (WHERE listed_on >= start AND listed_on < mid) AS prior_total
FROM bounds LEFT JOIN skill_postings ON true
GROUP BY ALL;

CREATE OR REPLACE MACRO skill_growth_over(window_weeks, min_postings := 5, until_week := NULL) AS TABLE
WITH windows AS (SELECT * FROM skill_windows(window_weeks, until_week := until_week)),
bounds AS (SELECT as_of, mid, start FROM windows),
totals AS (SELECT recent_total, prior_total FROM windows),
counts AS (
    SELECT skill,
           count(*) FILTER (WHERE listed_on >= mid) AS recent_postings,
           count(*) FILTER (WHERE listed_on < mid) AS prior_postings
    FROM skill_mentions, bounds WHERE listed_on >= start AND listed_on < as_of
    GROUP BY skill
),
shares AS (
    SELECT *, recent_postings / nullif(recent_total, 0) AS recent_share,
              prior_postings / nullif(prior_total, 0) AS prior_share
    FROM counts, totals
)
SELECT window_weeks::INTEGER AS window_weeks, as_of, skill,
       recent_postings::INTEGER AS recent_postings, prior_postings::INTEGER AS prior_postings,
       recent_share, prior_share,
       CASE WHEN recent_postings + prior_postings >= min_postings AND prior_postings > 0
                 AND least(recent_total, prior_total) >= min_postings
            THEN recent_share / prior_share - 1 END AS growth,
       CASE WHEN recent_postings + prior_postings < min_postings OR least(recent_total, prior_total) < min_postings
            THEN NULL
            WHEN prior_postings = 0 THEN 'new'
            WHEN recent_share >= 1.5 * prior_share THEN 'rising'
            WHEN recent_share * 1.5 <= prior_share THEN 'falling'
            ELSE 'steady' END AS trend
FROM shares, bounds
ORDER BY growth DESC NULLS LAST, recent_postings DESC, skill;

-- Growth over 4, 13 and 52 weeks with the default floor.
CREATE OR REPLACE VIEW skill_growth AS
SELECT * FROM skill_growth_over(4)
UNION ALL SELECT * FROM skill_growth_over(13)
UNION ALL SELECT * FROM skill_growth_over(52);
