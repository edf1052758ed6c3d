-- The company as the source's payload spells it (Greenhouse company_name, JSON-LD hiringOrganization), kept
-- beside `company`, which is the sources file's name for the board: two boards whose payloads share a name
-- no longer merge under it.
ALTER TABLE postings ADD COLUMN company_source_name VARCHAR;
