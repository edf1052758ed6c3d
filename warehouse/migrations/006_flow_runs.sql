-- What each Prefect flow run did, and the data checks it ran (see warehouse/checks/).
CREATE SEQUENCE flow_run_ids START 1;

CREATE TABLE flow_runs (
    run_id        BIGINT PRIMARY KEY,
    flow          VARCHAR NOT NULL,        -- market-scan | weekly-targets | skill-trends
    prefect_id    UUID,                    -- the Prefect flow run (UI: /runs/flow-run/<id>)
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('completed', 'failed')),
    scan_id       BIGINT,                  -- the scan a market-scan run loaded
    summary       JSON NOT NULL,           -- counts per step
    error         VARCHAR
);

-- One row per check per run; a check passed when failing_rows = 0.
CREATE TABLE check_results (
    run_id        BIGINT NOT NULL,
    name          VARCHAR NOT NULL,        -- the check file's name without .sql
    severity      VARCHAR NOT NULL CHECK (severity IN ('error', 'warn')),
    failing_rows  BIGINT NOT NULL,
    sample        JSON NOT NULL,           -- the first failing rows
    PRIMARY KEY (run_id, name)
);
