-- How each scan ran: in this process ('local', one crawl child) or fanned out on a Dask cluster ('dask'),
-- and on how many workers. Earlier scans ran locally, on one.
ALTER TABLE scans ADD COLUMN executor VARCHAR NOT NULL DEFAULT 'local';
ALTER TABLE scans ADD COLUMN workers INTEGER NOT NULL DEFAULT 1;
