-- Who sent each lineage event received through the API: the principal and, where the request's
-- identity names it, the credential (never its secret). Null for the catalog's own events.
ALTER TABLE lineage_event ADD COLUMN sender VARCHAR(512);
ALTER TABLE lineage_event ADD COLUMN sender_credential VARCHAR(1024);
