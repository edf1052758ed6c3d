-- The company facts a hire-type call was made with (models/company_facts.py, as JSON), so that a call is made
-- again when they change. Calls made before have none, and are made again once.
ALTER TABLE hire_types ADD COLUMN facts JSON;
