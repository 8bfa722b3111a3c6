-- Tenancy foundation: the per-transaction tenant setting and the tenants table.
--
-- Row-level security everywhere keys on microseg_current_tenant(), which reads the setting
-- 'microseg.tenant_id'. The application sets it with set_config('microseg.tenant_id', <uuid>, true)
-- at the start of every transaction, from the authenticated principal; it reverts when the
-- transaction ends. An unset or empty setting yields NULL, and NULL matches no row: a connection
-- that forgot to set it sees nothing and can write nothing.

CREATE FUNCTION microseg_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('microseg.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id             uuid        NOT NULL,
    name           text        NOT NULL,
    policy_version bigint      NOT NULL DEFAULT 0 CHECK (policy_version >= 0),
    -- bumped by every change to workloads, so cached group membership knows when it is stale
    inventory_version bigint   NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_pkey PRIMARY KEY (id),
    CONSTRAINT tenants_name_key UNIQUE (name)
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;

-- A tenant sees and updates only its own row; a new tenant can be inserted only by a
-- transaction whose setting already names the new id.
CREATE POLICY tenants_isolation ON tenants
    USING (id = microseg_current_tenant())
    WITH CHECK (id = microseg_current_tenant());

-- The schema owner (the role running these migrations) may look tenants up by name: only the
-- SECURITY DEFINER function below uses this, for provisioning. The application role cannot.
CREATE POLICY tenants_owner_lookup ON tenants FOR SELECT TO CURRENT_USER USING (true);

-- Provisioning lookup by name (dev bootstrap, operator tools). Returns NULL when absent.
CREATE FUNCTION microseg_tenant_id(tenant_name text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$ SELECT id FROM tenants WHERE name = tenant_name $$;

REVOKE ALL ON FUNCTION microseg_tenant_id(text) FROM PUBLIC;
