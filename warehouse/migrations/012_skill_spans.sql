-- The trained tagger's spans beside the gazetteer's mentions (issue 13). A span linked to a taxonomy entry has
-- its skill, taxonomy and taxonomy_id; an unlinked one keeps only its text. Trends, fit and the roadmap read
-- linked rows only. kind: skill | knowledge for tagged spans (SkillSpan's types), NULL for gazetteer-only rows.
ALTER TABLE posting_skills ALTER COLUMN skill DROP NOT NULL;
ALTER TABLE posting_skills ALTER COLUMN taxonomy DROP NOT NULL;
ALTER TABLE posting_skills ALTER COLUMN taxonomy_id DROP NOT NULL;
ALTER TABLE posting_skills ADD COLUMN linked BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE posting_skills ADD COLUMN span_text VARCHAR;
ALTER TABLE posting_skills ADD COLUMN kind VARCHAR;
ALTER TABLE posting_skills ADD COLUMN found_by VARCHAR NOT NULL DEFAULT 'gazetteer';  -- gazetteer | tagger | both
