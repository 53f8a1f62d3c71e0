-- The canonical location of each table and view, so two of them never share files.
ALTER TABLE catalog_entity ADD COLUMN location VARCHAR(4096);
CREATE INDEX ix_catalog_entity_location ON catalog_entity (location);

-- Background work (purge, retention, erasure, forwarding): one row a job, leased by one replica
-- at a time with SELECT ... FOR UPDATE SKIP LOCKED; an expired lease hands the job on.
CREATE TABLE job (
    id              VARCHAR(36) PRIMARY KEY,
    kind            VARCHAR(64) NOT NULL,
    state           VARCHAR(16) NOT NULL,
    subject         VARCHAR(2048),
    payload         VARCHAR(1000000) NOT NULL,
    progress        VARCHAR(1000000),
    result          VARCHAR(1000000),
    last_error      VARCHAR(4000),
    attempts        INTEGER NOT NULL,
    max_attempts    INTEGER NOT NULL,
    run_after       TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner     VARCHAR(128),
    lease_until     TIMESTAMP WITH TIME ZONE,
    created_by      VARCHAR(512) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT ck_job_state CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'))
);
CREATE INDEX ix_job_ready ON job (state, run_after);
CREATE INDEX ix_job_kind ON job (kind, created_at);
