-- Hourly tier of the edge rollup. Same key and sums as the per-minute flow_edges, with bucket
-- the UTC hour (date_trunc('hour', ..., 'UTC'), so that zones with half-hour offsets cannot
-- shift it). Ingestion upserts both tiers from the same staging rows in one transaction, so an
-- hourly row always equals the sum of its sixty minute rows. /graph reads whole hours of a
-- window from here and only the ragged minutes at either end from flow_edges: a day's graph
-- reads ~24 rows per busy edge instead of ~1,440. Partitioned by day like flow_edges, so
-- retention drops it with the same function.

CREATE TABLE flow_edges_hourly (
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
    CONSTRAINT flow_edges_hourly_pkey PRIMARY KEY (tenant_id, bucket, client, server, application, verdict),
    CONSTRAINT flow_edges_hourly_whole_hour CHECK (bucket = date_trunc('hour', bucket, 'UTC'))
) PARTITION BY RANGE (bucket);

-- Partition management now covers the hourly tier too.
CREATE OR REPLACE FUNCTION microseg_ensure_flow_partitions(first_day date, days integer) RETURNS integer
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
        FOREACH parent IN ARRAY ARRAY['flows', 'flow_edges', 'flow_edges_hourly'] LOOP
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

CREATE OR REPLACE FUNCTION microseg_drop_flow_partitions(before_day date) RETURNS integer
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
        WHERE p.relname IN ('flows', 'flow_edges', 'flow_edges_hourly')
          AND c.relname ~ '_p[0-9]{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= before_day
    LOOP
        EXECUTE format('DROP TABLE %I', r.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

-- Backfill from the minute tier, for every day that already has flow_edges partitions. The
-- schema owner runs this; FORCE ROW LEVEL SECURITY would hide every row from it, so the minute
-- tier's FORCE is lifted for this transaction only and the hourly tier gets its policy after.
SELECT microseg_ensure_flow_partitions(to_date(right(c.relname, 8), 'YYYYMMDD'), 1)
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class p ON p.oid = i.inhparent
WHERE p.relname = 'flow_edges' AND c.relname ~ '_p[0-9]{8}$';

ALTER TABLE flow_edges NO FORCE ROW LEVEL SECURITY;

INSERT INTO flow_edges_hourly (tenant_id, bucket, client, server, application, verdict, flows, sessions, packets, bytes)
SELECT tenant_id, date_trunc('hour', bucket, 'UTC'), client, server, application, verdict,
       sum(flows), sum(sessions), sum(packets), sum(bytes)
FROM flow_edges
GROUP BY 1, 2, 3, 4, 5, 6;

ALTER TABLE flow_edges FORCE ROW LEVEL SECURITY;

ALTER TABLE flow_edges_hourly ENABLE ROW LEVEL SECURITY;
ALTER TABLE flow_edges_hourly FORCE ROW LEVEL SECURITY;
CREATE POLICY flow_edges_hourly_isolation ON flow_edges_hourly
    USING (tenant_id = microseg_current_tenant())
    WITH CHECK (tenant_id = microseg_current_tenant());
