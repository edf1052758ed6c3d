-- One row per source per scan: what happened to it.
CREATE OR REPLACE VIEW scan_log AS
SELECT s.scan_id, s.started_at, x.company, x.ats, x.status, x.items, x.error, x.board, x.rejected, x.url
FROM scans s JOIN scan_sources x USING (scan_id);
