-- The application's own role (the datasource user, placeholder app_role) when migrations run as
-- another role, the owner (quarkus.flyway."postgresql".username): ordinary DML on every table, but
-- only SELECT and INSERT on the audit trail, so the server itself cannot change or delete audit rows
-- (the trigger of V4_1 stays as a second fence). Tables later migrations create get the same grants
-- by default privileges: a later migration that adds another append-only table must revoke UPDATE
-- and DELETE on it itself. Re-applied whenever the app role's name changes; nothing to do when the
-- server migrates as its own role.
DO $grants$
DECLARE
    app  TEXT := '${app_role}';
    item RECORD;
BEGIN
    IF app = '' OR app = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), app);
    FOR item IN
        SELECT tablename FROM pg_tables
         WHERE schemaname = current_schema()
           AND tablename NOT IN ('audit_event', '${flyway:table}')
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', item.tablename, app);
    END LOOP;
    EXECUTE format('REVOKE ALL ON audit_event FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_event TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE'
                   ' ON TABLES TO %I', current_schema(), app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
                   current_schema(), app);
END
$grants$;
