-- One row per distinct posting text (its content hash) with the title and description it is made of; and, for
-- an embedding model, the texts that have no vector yet (what a scan embeds).
CREATE OR REPLACE VIEW posting_texts AS
SELECT DISTINCT ON (content_hash) content_hash, title, description
FROM postings
ORDER BY content_hash;

CREATE OR REPLACE MACRO unembedded_texts(model_key) AS TABLE
SELECT t.content_hash, t.title, t.description
FROM posting_texts t
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = t.content_hash AND e.model = model_key);
