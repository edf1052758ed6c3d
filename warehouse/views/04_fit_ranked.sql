-- Fit scores of open postings, best first per profile.
CREATE OR REPLACE VIEW fit_ranked AS
SELECT f.profile, f.fit_score, p.company, p.title, p.location, p.remote, p.hire_type,
       p.expertise_probability, p.url, f.posting_id, f.explanation
FROM fit_scores f JOIN postings_current p USING (posting_id)
ORDER BY f.profile, f.fit_score DESC;
