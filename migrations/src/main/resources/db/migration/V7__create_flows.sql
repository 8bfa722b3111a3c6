-- Flow records (5-second aggregates reported by nodes) and a per-minute edge rollup, both
-- partitioned by day so that retention drops whole partitions. The application role does not
-- own these tables: it creates and drops partitions through the SECURITY DEFINER functions
-- below.

CREATE SEQUENCE flows_id_seq AS bigint;

CREATE TABLE flows (
    tenant_id       uuid        NOT NULL,
    window_start    timestamptz NOT NULL,
    id              bigint      NOT NULL DEFAULT nextval('flows_id_seq'),
    node_id         text        NOT NULL,
    client_workload text        NOT NULL,
    server_workload text        NOT NULL,
    client_ip       inet        NOT NULL,
    server_ip       inet        NOT NULL,
    protocol        smallint    NOT NULL,
    server_port     integer     NOT NULL CHECK (server_port BETWEEN 0 AND 65535),
    application     integer     NOT NULL,
    rule_id         bigint      NOT NULL,
    verdict         text        NOT NULL CHECK (verdict IN ('allowed', 'violation', 'denied')),
    sessions        bigint      NOT NULL,
    packets         bigint      NOT NULL,
    bytes           bigint      NOT NULL,
    CONSTRAINT flows_pkey PRIMARY KEY (tenant_id, window_start, id)
) PARTITION BY RANGE (window_start);

CREATE INDEX flows_tenant_client_idx ON flows (tenant_id, client_workload, window_start);
CREATE INDEX flows_tenant_server_idx ON flows (tenant_id, server_workload, window_start);

-- Per minute, per client/server endpoint (workload id, or 'ip:<address>' outside the cluster),
-- application and verdict: what /graph and /stats read, so they never scan raw flows.
CREATE TABLE flow_edges (
    tenant_id   uuid        NOT NULL,
    bucket      timestamptz NOT NULL,
    client      text        NOT NULL,
    server      text        NOT NULL,
    application integer     NOT NULL,
    verdict     text        NOT NULL CHECK (verdict IN ('allowed', 'violation', 'denied')),
    flows       bigint      NOT NULL,
    sessions    bigint      NOT NULL,
    packets     bigint      NOT NULL,
    bytes       bigint      NOT NULL,
    CONSTRAINT flow_edges_pkey PRIMARY KEY (tenant_id, bucket, client, server, application, verdict)
) PARTITION BY RANGE (bucket);

ALTER TABLE flows ENABLE ROW LEVEL SECURITY;
ALTER TABLE flows FORCE ROW LEVEL SECURITY;
CREATE POLICY flows_isolation ON flows
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());

ALTER TABLE flow_edges ENABLE ROW LEVEL SECURITY;
ALTER TABLE flow_edges FORCE ROW LEVEL SECURITY;
CREATE POLICY flow_edges_isolation ON flow_edges
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());

-- Creates the daily partitions of flows and flow_edges covering [first_day, first_day + days).
-- Idempotent and safe to race with another replica. Returns how many partitions it created.
CREATE FUNCTION microseg_ensure_flow_partitions(first_day date, days integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
AS $$
DECLARE
    d       date;
    made    integer := 0;
    parent  text;
    part    text;
BEGIN
    IF days < 1 OR days > 400 THEN
        RAISE EXCEPTION 'days must be between 1 and 400, not %', days;
    END IF;
    FOR i IN 0 .. days - 1 LOOP
        d := first_day + i;
        FOREACH parent IN ARRAY ARRAY['flows', 'flow_edges'] LOOP
            part := parent || '_p' || to_char(d, 'YYYYMMDD');
            IF to_regclass(part) IS NULL THEN
                BEGIN
                    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                                   part, parent,
                                   (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
                    made := made + 1;
                EXCEPTION WHEN duplicate_table THEN
                    NULL; -- another replica made it first
                END;
            END IF;
        END LOOP;
    END LOOP;
    RETURN made;
END
$$;

-- Retention: drops the daily partitions that end on or before before_day. Returns how many.
CREATE FUNCTION microseg_drop_flow_partitions(before_day date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
AS $$
DECLARE
    r       record;
    dropped integer := 0;
BEGIN
    FOR r IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname IN ('flows', 'flow_edges')
          AND c.relname ~ '_p[0-9]{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= before_day
    LOOP
        EXECUTE format('DROP TABLE %I', r.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

REVOKE ALL ON FUNCTION microseg_ensure_flow_partitions(date, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION microseg_drop_flow_partitions(date) FROM PUBLIC;
