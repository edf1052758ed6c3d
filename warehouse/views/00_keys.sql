-- The keys postings are compared by, by the rules of scrapers.normalise.identity (title_key, company_key), which
-- the deduplicator stores in posting_links; a view reading a posting it has not linked yet gets the same key here.
-- Python's casefold and Unicode classes are spelled out for RE2: "ß" folds to "ss", a word is letters, digits
-- and "_" of any script. tests/test_keys_sql.py holds both spellings to the same answers.
CREATE OR REPLACE MACRO title_key(title) AS array_to_string(regexp_extract_all(replace(lower(regexp_replace(
    title, '\((?:[\s\v\p{Z}]*[mwfdxh][\s\v\p{Z}]*/)+[\s\v\p{Z}]*[mwfdxh][\s\v\p{Z}]*\)|\(all genders\)|\(gn\)|[:*]in\b',
    ' ', 'gi')), 'ß', 'ss'), '[\p{L}\p{N}_+#]+'), ' ');

CREATE OR REPLACE MACRO company_key(company) AS array_to_string(regexp_extract_all(replace(lower(regexp_replace(
    company, '(?:[\s\v\p{Z},]+(?:inc|incorporated|llc|ltd|limited|gmbh|ag|sa|sas|b\.?v|n\.?v|plc|corp|corporation|co'
             '|company|oy|ab|aps|srl|spa|pty|se)\.?)+[\s\v\p{Z}]*$',
    ' ', 'i')), 'ß', 'ss'), '[\p{L}\p{N}_]+'), ' ');
