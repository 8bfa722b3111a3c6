-- Who changed what, when. Append-only: the application role gets INSERT and SELECT only.

CREATE TABLE audit_log (
    tenant_id uuid        NOT NULL REFERENCES tenants (id),
    id        bigint      GENERATED ALWAYS AS IDENTITY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text        NOT NULL,
    action    text        NOT NULL,
    target    text        NOT NULL,
    detail    jsonb,
    CONSTRAINT audit_log_pkey PRIMARY KEY (tenant_id, id)
);

CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_isolation ON audit_log
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());
