package dev.microseg.api.flow;

import dev.microseg.api.db.DataAccessFailure;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.model.flow.FlowRecord;
import dev.microseg.model.net.IpAddresses;
import jakarta.inject.Singleton;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The one place flow records enter the database; the node channel calls {@link #ingest} with
 * each acknowledged {@code FlowBatch}. In one transaction: COPY the batch into a temporary
 * staging table (PostgreSQL refuses COPY FROM into a table under row-level security), insert it
 * into the partitioned {@code flows} table (RLS checks every row's tenant), and add it to both
 * tiers of the edge rollup — per minute ({@code flow_edges}) and per UTC hour
 * ({@code flow_edges_hourly}) — with an upsert each, so the graph and stats read the rollup and
 * never scan raw flows.
 */
@Singleton
public class FlowIngestor {
    /** Bound on one batch: a node's 5-second report never comes close; a bigger one is a bug. */
    public static final int MAX_BATCH = 100_000;

    private static final String STAGE = "CREATE TEMP TABLE IF NOT EXISTS microseg_flow_stage ("
            + "window_start timestamptz, node_id text, client_workload text, server_workload text, client_ip inet, server_ip inet, "
            + "protocol smallint, server_port integer, application integer, rule_id bigint, verdict text, "
            + "sessions bigint, packets bigint, bytes bigint) ON COMMIT DELETE ROWS";

    private final TenantTx tx;
    private final FlowPartitions partitions;

    public FlowIngestor(TenantTx tx, FlowPartitions partitions) {
        this.tx = tx;
        this.partitions = partitions;
    }

    /** Stores a batch of one tenant's flow records; returns how many were stored. */
    public int ingest(UUID tenant, List<FlowRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        if (records.size() > MAX_BATCH) {
            throw new IllegalArgumentException("flow batch of " + records.size() + " records; at most " + MAX_BATCH);
        }
        Set<LocalDate> days = new HashSet<>();
        for (FlowRecord r : records) {
            days.add(FlowPartitions.day(r.windowStart()));
        }
        return tx.write(tenant, c -> {
            partitions.ensure(c, days);
            try (Statement st = c.createStatement()) {
                st.execute(STAGE);
            }
            copy(c, records);
            int n = Jdbc.update(c, "INSERT INTO flows (tenant_id, window_start, node_id, client_workload, server_workload, client_ip, "
                    + "server_ip, protocol, server_port, application, rule_id, verdict, sessions, packets, bytes) "
                    + "SELECT ?, window_start, node_id, client_workload, server_workload, client_ip, server_ip, protocol, server_port, "
                    + "application, rule_id, verdict, sessions, packets, bytes FROM microseg_flow_stage", tenant);
            rollup(c, tenant, "flow_edges", "date_trunc('minute', window_start)");
            rollup(c, tenant, "flow_edges_hourly", "date_trunc('hour', window_start, 'UTC')");
            return n;
        });
    }

    /**
     * Adds the staged batch to one tier of the edge rollup. Both tiers are fed from the same
     * staging rows in the same transaction, so an hourly row always equals the sum of its minute
     * rows (the graph relies on it to mix them). Rows go in key order, so two batches of one
     * tenant that touch the same edges lock them in the same order and cannot deadlock (a hash
     * aggregate alone emits them in an order that depends on the batch).
     */
    private static void rollup(Connection c, UUID tenant, String table, String bucket) throws SQLException {
        Jdbc.update(c, "INSERT INTO " + table + " AS e (tenant_id, bucket, client, server, application, verdict, flows, sessions, "
                + "packets, bytes) SELECT ?, " + bucket + ", "
                + "CASE WHEN client_workload = '' THEN 'ip:' || host(client_ip) ELSE client_workload END, "
                + "CASE WHEN server_workload = '' THEN 'ip:' || host(server_ip) ELSE server_workload END, "
                + "application, verdict, count(*), sum(sessions), sum(packets), sum(bytes) FROM microseg_flow_stage "
                + "GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6 ON CONFLICT (tenant_id, bucket, client, server, application, verdict) DO UPDATE SET "
                + "flows = e.flows + EXCLUDED.flows, sessions = e.sessions + EXCLUDED.sessions, "
                + "packets = e.packets + EXCLUDED.packets, bytes = e.bytes + EXCLUDED.bytes", tenant);
    }

    private static void copy(Connection c, List<FlowRecord> records) throws SQLException {
        StringBuilder sb = new StringBuilder(records.size() * 160);
        for (FlowRecord r : records) {
            sb.append(r.windowStart()).append('\t');
            text(sb, r.nodeId() == null ? "" : r.nodeId()).append('\t');
            text(sb, r.clientWorkload()).append('\t');
            text(sb, r.serverWorkload()).append('\t');
            sb.append(IpAddresses.format(r.clientIp())).append('\t');
            sb.append(IpAddresses.format(r.serverIp())).append('\t');
            sb.append(r.protocol().number()).append('\t');
            sb.append(r.serverPort()).append('\t');
            sb.append(r.application()).append('\t');
            sb.append(r.ruleId()).append('\t');
            sb.append(r.verdict().token()).append('\t');
            sb.append(r.sessions()).append('\t');
            sb.append(r.packets()).append('\t');
            sb.append(r.bytes()).append('\n');
        }
        try {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY microseg_flow_stage FROM STDIN", new StringReader(sb.toString()));
        } catch (IOException e) {
            throw new DataAccessFailure(new SQLException("COPY of flow records failed: " + e.getMessage(), "58030", e));
        }
    }

    /** COPY text format: escape backslash, tab, newline and carriage return. */
    private static StringBuilder text(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb;
    }
}
