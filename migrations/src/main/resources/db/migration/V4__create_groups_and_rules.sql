-- Groups (label selector or address group) and the rules written between them. Values are
-- stored in canonical form, as tenant-model parsed them.

CREATE TABLE groups (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL,
    policy_mode text        NOT NULL CHECK (policy_mode IN ('Monitor', 'Protect')),
    -- [{"key": ..., "op": ..., "value": ...}], NeuVector's criteria shape; NULL for address groups
    criteria    jsonb,
    -- canonical CIDR strings; NULL for selector groups
    cidrs       text[],
    comment     text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT groups_pkey PRIMARY KEY (tenant_id, name),
    CONSTRAINT groups_one_membership CHECK ((criteria IS NULL) <> (cidrs IS NULL))
);

CREATE TABLE rules (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           bigint      NOT NULL CHECK (id BETWEEN 1 AND 4294967295),
    from_group   text        NOT NULL,
    to_group     text        NOT NULL,
    ports        text        NOT NULL,
    applications text[]      NOT NULL DEFAULT '{}',
    action       text        NOT NULL CHECK (action IN ('allow', 'deny')),
    disabled     boolean     NOT NULL DEFAULT false,
    comment      text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rules_pkey PRIMARY KEY (tenant_id, id),
    -- The API answers 409 naming the rules before a referenced group is deleted; these keys are
    -- the second wall.
    CONSTRAINT rules_from_group_fkey FOREIGN KEY (tenant_id, from_group) REFERENCES groups (tenant_id, name),
    CONSTRAINT rules_to_group_fkey FOREIGN KEY (tenant_id, to_group) REFERENCES groups (tenant_id, name)
);

CREATE INDEX rules_tenant_from_idx ON rules (tenant_id, from_group);
CREATE INDEX rules_tenant_to_idx ON rules (tenant_id, to_group);

ALTER TABLE groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE groups FORCE ROW LEVEL SECURITY;
CREATE POLICY groups_isolation ON groups
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());

ALTER TABLE rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE rules FORCE ROW LEVEL SECURITY;
CREATE POLICY rules_isolation ON rules
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());
