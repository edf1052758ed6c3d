-- What the warehouse knows about the companies with an open posting: each of their postings, open or closed,
-- from which models/company_facts.py computes an open posting's facts (the title's history at the company,
-- the department's age, the company's posting growth, the role family's share of its open postings).
CREATE OR REPLACE VIEW company_facts AS
SELECT posting_id, company, title, department, first_seen, closed_at IS NULL AS is_open
FROM postings
WHERE company IN (SELECT company FROM postings WHERE closed_at IS NULL);
