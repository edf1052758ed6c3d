-- Texts a running scan has taken to embed (issue 17): a second scan at the same time skips them instead of
-- embedding the same texts twice. A claim is dropped when its vector is stored or the scan ends; one older
-- than the claim lifetime (pipelines/embed.py) is from a scan that died and is taken over.
CREATE TABLE embedding_claims (
    content_hash VARCHAR,
    model VARCHAR,
    claimed_by VARCHAR NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (content_hash, model)
);
