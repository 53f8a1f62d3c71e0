-- Tables whose files exist while the catalog lists no table for them: a staged create (an engine
-- writes the files of CREATE TABLE AS SELECT before the table exists) and a drop without purge (Spark
-- deletes a dropped table's files itself). Kept for a while, so that remote signing can still sign
-- what the engine needs below that location, and nothing else.
CREATE TABLE unlisted_table (
    id                VARCHAR(36) PRIMARY KEY,
    namespace_name    VARCHAR(1024) NOT NULL,
    name              VARCHAR(1024) NOT NULL,
    reason            VARCHAR(16) NOT NULL,
    location          VARCHAR(4096) NOT NULL,
    recorded_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ck_unlisted_table_reason CHECK (reason IN ('STAGED', 'DROPPED'))
);
CREATE INDEX ix_unlisted_table_name ON unlisted_table (namespace_name, name, recorded_at);
CREATE INDEX ix_unlisted_table_at ON unlisted_table (recorded_at);
