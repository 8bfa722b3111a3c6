-- Tenant-scoped API keys. Only a SHA-256 hash of the key's secret is stored; the key itself is
-- shown once, at creation.

CREATE TABLE api_keys (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    name         text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    secret_hash  bytea       NOT NULL CHECK (length(secret_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    use_count    bigint      NOT NULL DEFAULT 0,
    CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id)
);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY api_keys_isolation ON api_keys
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());
