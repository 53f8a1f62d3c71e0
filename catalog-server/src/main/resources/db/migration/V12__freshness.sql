-- Freshness violations: a row per dataset that is stale now (or was, and has not stayed fresh for a
-- check interval yet). Inserting the row is the fresh→stale transition and deleting it the
-- stale→fresh one; each is a single conditional statement, so when several replicas evaluate at
-- once exactly one of them records a transition (and enqueues its webhook delivery with it).
CREATE TABLE freshness_violation (
    dataset         VARCHAR(2048) PRIMARY KEY,
    violation_id    VARCHAR(36) NOT NULL,
    stale_since     TIMESTAMP WITH TIME ZONE NOT NULL,
    detected_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    root_cause      VARCHAR(2048) NOT NULL,
    -- set when an evaluation first found the dataset fresh again; cleared when it is stale again
    fresh_since     TIMESTAMP WITH TIME ZONE
);

-- A table's last data commit, read from the catalog's commit runs: the newest run of each commit
-- job, then the first run that wrote the same snapshot (dataset version).
CREATE INDEX ix_lineage_run_job_ended ON lineage_run (job_id, ended_at);
CREATE INDEX ix_lineage_run_dataset_version ON lineage_run_dataset (dataset_id, direction, version);
