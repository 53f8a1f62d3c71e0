-- Tables, views and namespaces cannot outlive their namespace: a create racing a drop of its
-- namespace waits on the namespace row and then fails, instead of leaving an orphan.
ALTER TABLE catalog_entity
    ADD CONSTRAINT fk_catalog_entity_namespace
    FOREIGN KEY (namespace_name) REFERENCES catalog_namespace (name);
ALTER TABLE catalog_namespace
    ADD CONSTRAINT fk_catalog_namespace_parent
    FOREIGN KEY (parent_name) REFERENCES catalog_namespace (name);

-- Outcomes of mutations sent with an Idempotency-Key, per caller. A key is claimed (IN_PROGRESS)
-- before the mutation runs and holds its first outcome (DONE) until it expires.
CREATE TABLE idempotency_record (
    principal_hash   VARCHAR(64) NOT NULL,
    idempotency_key  VARCHAR(255) NOT NULL,
    fingerprint      VARCHAR(64) NOT NULL,
    state            VARCHAR(16) NOT NULL,
    status           INTEGER,
    response_body    VARCHAR(10000000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (principal_hash, idempotency_key),
    CONSTRAINT ck_idempotency_state CHECK (state IN ('IN_PROGRESS', 'DONE'))
);
CREATE INDEX ix_idempotency_expires ON idempotency_record (expires_at);
