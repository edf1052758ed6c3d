-- Companies ranked for each profile by their best-fitting open roles.
CREATE OR REPLACE VIEW fit_companies AS
SELECT profile, company,
       round(max(fit_score), 1) AS best_fit,
       round(avg(fit_score) FILTER (WHERE rank_in_company <= 3), 1) AS top3_fit,
       count(*) AS open_roles,
       count(*) FILTER (WHERE fit_score >= 60) AS strong_roles,
       arg_max(title, fit_score) AS best_title,
       arg_max(posting_id, fit_score) AS best_posting_id
FROM (SELECT *, row_number() OVER (PARTITION BY profile, company ORDER BY fit_score DESC) AS rank_in_company
      FROM fit_ranked)
GROUP BY profile, company
ORDER BY profile, top3_fit DESC;
