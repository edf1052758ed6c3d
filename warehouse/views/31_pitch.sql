-- Read models of the pitch kit (pipelines/pitch.py): one posting with its calls, its company's postings, the market.

-- One posting (open or closed) with the profile's fit score, its hire-type call and the facts the call read.
CREATE OR REPLACE MACRO pitch_posting(profile_name, pid) AS TABLE
SELECT p.posting_id, p.company, p.title, p.url, p.department, p.team, p.description, p.content_hash, p.country,
       p.seniority, p.salary_min_annual, p.salary_max_annual, p.salary_currency, p.closed_at IS NULL AS is_open,
       least(p.first_seen, coalesce(p.posted_at, p.first_seen)) AS listed_at,
       f.fit_score, f.explanation, f.tier, h.hire_type, h.expertise_probability, h.same_title_open,
       h.new_department, h.evidence AS hire_type_evidence
FROM postings p
LEFT JOIN fit_scores f ON f.posting_id = p.posting_id AND f.profile = profile_name
LEFT JOIN hire_types h ON h.posting_id = p.posting_id
WHERE p.posting_id = pid;

-- Every posting a company has listed, open or closed, oldest first, with the profile's fit and the skills named.
CREATE OR REPLACE MACRO company_postings(company_name, profile_name) AS TABLE
SELECT p.posting_id, p.title, p.department, p.team, p.closed_at IS NULL AS is_open,
       least(p.first_seen, coalesce(p.posted_at, p.first_seen)) AS listed_at, f.fit_score, f.tier,
       coalesce(s.skills, []) AS skills
FROM postings p
LEFT JOIN fit_scores f ON f.posting_id = p.posting_id AND f.profile = profile_name
LEFT JOIN (SELECT content_hash, list(DISTINCT skill) AS skills FROM posting_skills WHERE linked GROUP BY content_hash) s
       ON s.content_hash = p.content_hash
WHERE p.company = company_name
ORDER BY listed_at, p.posting_id;

-- The open market: each open posting's title, place, annual pay band and the skills its text names.
CREATE OR REPLACE VIEW market_postings AS
SELECT p.posting_id, p.company, p.title, p.country, p.salary_min_annual, p.salary_max_annual, p.salary_currency,
       coalesce(s.skills, []) AS skills
FROM postings p
LEFT JOIN (SELECT content_hash, list(DISTINCT skill) AS skills FROM posting_skills WHERE linked GROUP BY content_hash) s
       ON s.content_hash = p.content_hash
WHERE p.closed_at IS NULL;

-- The profile's stored skill-gap roadmap, best return first.
CREATE OR REPLACE MACRO profile_roadmap(profile_name) AS TABLE
SELECT rank, skill, postings_moved, demand_share, growth_13w, return_score, examples
FROM skill_roadmaps WHERE profile = profile_name ORDER BY rank;
