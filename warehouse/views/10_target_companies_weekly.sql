-- Weekly ranked target companies per profile (pipelines/targets.py fills the table); dropped companies last.
CREATE OR REPLACE VIEW target_companies_weekly AS
SELECT week, profile, rank, company, score, open_roles, best_posting_id, best_fit, hire_type_mix, reason, change,
       top3_fit, strong_roles, new_this_week, new_4w, new_departments, freshness, momentum, pitch_match,
       bandwidth_roles, expertise_roles, pitch_notes
FROM target_companies
ORDER BY week DESC, profile, rank NULLS LAST, company;
