-- Fit scores of open postings, best first per profile: postings that break a hard preference (tier 1)
-- after every posting that breaks none, each keeping its own score; explanation->'$.gates' says why.
CREATE OR REPLACE VIEW fit_ranked AS
SELECT f.profile, f.fit_score, f.tier, p.company, p.title, p.location, p.remote, p.hire_type,
       p.expertise_probability, p.url, f.posting_id, f.explanation
FROM fit_scores f JOIN postings_current p USING (posting_id)
ORDER BY f.profile, f.tier, f.fit_score DESC, f.posting_id;
