-- Read models the node channel fills: enrolled nodes and the workloads they report.

CREATE TABLE nodes (
    tenant_id               uuid        NOT NULL REFERENCES tenants (id),
    id                      uuid        NOT NULL,
    hostname                text        NOT NULL,
    agent_version           text        NOT NULL DEFAULT '',
    enforced_policy_version bigint      NOT NULL DEFAULT 0,
    connected               boolean     NOT NULL DEFAULT false,
    last_seen               timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT nodes_pkey PRIMARY KEY (tenant_id, id)
);

CREATE TABLE workloads (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         text        NOT NULL,
    name       text        NOT NULL,
    node_id    text        NOT NULL,
    labels     jsonb       NOT NULL DEFAULT '{}',
    addresses  inet[]      NOT NULL DEFAULT '{}',
    mac        text        NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workloads_pkey PRIMARY KEY (tenant_id, id)
);

CREATE INDEX workloads_tenant_node_idx ON workloads (tenant_id, node_id);

ALTER TABLE nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY nodes_isolation ON nodes
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());

ALTER TABLE workloads ENABLE ROW LEVEL SECURITY;
ALTER TABLE workloads FORCE ROW LEVEL SECURITY;
CREATE POLICY workloads_isolation ON workloads
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());

-- Any change to workloads bumps the tenant's inventory_version once per statement, so that a
-- cached group-membership index can tell it is stale with one primary-key read.
CREATE FUNCTION microseg_bump_inventory_version() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE tenants SET inventory_version = inventory_version + 1 WHERE id = microseg_current_tenant();
    RETURN NULL;
END
$$;

CREATE TRIGGER workloads_bump_inventory_version
    AFTER INSERT OR UPDATE OR DELETE ON workloads
    FOR EACH STATEMENT EXECUTE FUNCTION microseg_bump_inventory_version();
