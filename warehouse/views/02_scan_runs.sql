-- One row per scan: when it ran, what it read, and how (executor local or dask, on how many workers).
CREATE OR REPLACE VIEW scan_runs AS
SELECT scan_id, started_at, finished_at, origin, executor, workers
FROM scans;
