-- Fit scores order by tier first: 1 when the posting breaks one of the person's hard preferences (place,
-- salary, an avoided function), so it ranks below every posting that breaks none and keeps its own score.
-- input_hash: what the score was computed from (the posting's normalised fields, its skills and hire type,
-- the fit model's version); a change in any of them rescores the pair.
ALTER TABLE fit_scores ADD COLUMN tier INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fit_scores ADD COLUMN input_hash VARCHAR NOT NULL DEFAULT '';
