-- One row per change to a tenant's groups or rules; n equals tenants.policy_version after the
-- change. A revision stores only what changed (before/after of each touched object), never a
-- full snapshot: the state as of revision n is the current state with later revisions'
-- changes reverse-applied. Append-only for the application role.

CREATE TABLE policy_revisions (
    tenant_id uuid        NOT NULL REFERENCES tenants (id),
    n         bigint      NOT NULL CHECK (n > 0),
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text        NOT NULL,
    summary   text        NOT NULL,
    -- [{"kind": "group"|"rule", "key": ..., "before": {...}|null, "after": {...}|null}]
    changes   jsonb       NOT NULL,
    CONSTRAINT policy_revisions_pkey PRIMARY KEY (tenant_id, n)
);

ALTER TABLE policy_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_revisions FORCE ROW LEVEL SECURITY;
CREATE POLICY policy_revisions_isolation ON policy_revisions
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());
