-- Companies ranked for each profile by their best-fitting open roles, tier first: a company whose every
-- open role breaks a hard preference (best_tier 1) ranks after every company with one that breaks none.
CREATE OR REPLACE VIEW fit_companies AS
SELECT profile, company,
       min(tier) AS best_tier,
       round(max(fit_score) FILTER (WHERE rank_in_company = 1), 1) AS best_fit,
       round(avg(fit_score) FILTER (WHERE rank_in_company <= 3 AND tier = best_tier_in_company), 1) AS top3_fit,
       count(*) AS open_roles,
       count(*) FILTER (WHERE fit_score >= 60 AND tier = 0) AS strong_roles,
       arg_min(title, (tier, -fit_score, posting_id)) AS best_title,
       arg_min(posting_id, (tier, -fit_score, posting_id)) AS best_posting_id
FROM (SELECT *, row_number() OVER (PARTITION BY profile, company ORDER BY tier, fit_score DESC, posting_id)
                AS rank_in_company,
             min(tier) OVER (PARTITION BY profile, company) AS best_tier_in_company
      FROM fit_ranked)
GROUP BY profile, company
ORDER BY profile, best_tier, top3_fit DESC, company;
