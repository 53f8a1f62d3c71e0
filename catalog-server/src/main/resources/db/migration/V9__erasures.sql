-- Erasures of a data subject. The subject is never stored: subject_hash is its keyed hash
-- (HMAC-SHA256 with sluice.erasure.subject-key). A receipt is written once, when verified.
CREATE TABLE erasure (
    id              VARCHAR(36) PRIMARY KEY,
    request_id      VARCHAR(256) NOT NULL,
    subject_hash    VARCHAR(64) NOT NULL,
    reason          VARCHAR(4000) NOT NULL,
    state           VARCHAR(16) NOT NULL,
    job_id          VARCHAR(36) NOT NULL,
    failure         VARCHAR(4000),
    receipt         VARCHAR(1000000),
    receipt_sha256  VARCHAR(64),
    created_by      VARCHAR(512) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_erasure_request UNIQUE (request_id),
    CONSTRAINT ck_erasure_state CHECK (state IN ('ACCEPTED', 'RUNNING', 'VERIFIED', 'FAILED'))
);
