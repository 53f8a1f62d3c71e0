-- Which credential authenticated each audited request (api-token:<id>, oidc:<issuer>#<subject>),
-- the policy version that decided, and how many identical attempts a row stands for (failed
-- authentications are aggregated). Existing rows keep NULL and 1.
ALTER TABLE audit_event ADD COLUMN credential VARCHAR(512);
ALTER TABLE audit_event ADD COLUMN policy_version INTEGER;
ALTER TABLE audit_event ADD COLUMN attempts INTEGER DEFAULT 1 NOT NULL;
CREATE INDEX ix_audit_event_credential ON audit_event (credential, occurred_at);

-- The bootstrap administrator gets a name no OIDC token can carry (it was user:admin, which an OIDC
-- user named admin would share).
UPDATE api_token SET principal_name = 'sluice:bootstrap-admin'
 WHERE principal_name = 'admin' AND principal_kind = 'USER'
   AND created_by = 'sluice' AND description = 'bootstrap administrator';
