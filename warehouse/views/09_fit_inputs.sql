-- What the fit scorer reads of each open posting: the normalised record, its hire-type call and the skills
-- the scan found in its text (the gazetteer's mentions, which the fit ranker is trained on and `marketfit fit FILE`
-- reads too, not the tagger's spans), and the boilerplate spans its readers blank. Every path that scores (scan,
-- score, targets, flows) reads this one view.
CREATE OR REPLACE VIEW fit_inputs AS
SELECT p.posting_id, p.content_hash, p.company, p.title, p.description, p.location, p.remote, p.country,
       p.city, p.region, p.seniority, p.salary_max_annual, p.salary_currency, p.ats,
       h.expertise_probability, h.model AS hire_type_model,
       s.skills, e.extractor AS skills_extractor, b.boilerplate
FROM postings p
LEFT JOIN posting_boilerplate b ON b.content_hash = p.content_hash
LEFT JOIN hire_types h ON h.posting_id = p.posting_id
LEFT JOIN skill_extractions e ON e.content_hash = p.content_hash
LEFT JOIN (SELECT content_hash,
                  list({'name': skill, 'taxonomy': taxonomy, 'taxonomy_id': taxonomy_id, 'start': start_offset,
                        'end': end_offset, 'requirement': requirement} ORDER BY start_offset, skill) AS skills
           FROM posting_skills WHERE found_by <> 'tagger' GROUP BY content_hash) s ON s.content_hash = p.content_hash
WHERE p.closed_at IS NULL;
