package dev.microseg.api.flow;

import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Daily partitions of {@code flows}, {@code flow_edges} and {@code flow_edges_hourly}: created a
 * week ahead every hour, on demand for the days an ingested batch touches, and dropped past the
 * retention period (retention is dropping whole partitions, never DELETE). The work is done by
 * the SECURITY DEFINER functions of migrations V7 and V8, since the application role does not
 * own the tables.
 */
@Singleton
public class FlowPartitions {
    private static final Logger LOG = LoggerFactory.getLogger(FlowPartitions.class);
    /** Days created ahead, so ingestion rarely has to create one on its hot path. */
    static final int DAYS_AHEAD = 7;

    private final TenantTx tx;
    private final int retentionDays;
    private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

    public FlowPartitions(TenantTx tx, @Value("${microseg.flows.retention-days:30}") int retentionDays) {
        this.tx = tx;
        this.retentionDays = retentionDays;
    }

    /** Ensures partitions for the days of these instants exist (inside the caller's transaction). */
    void ensure(Connection c, Set<LocalDate> days) throws SQLException {
        for (LocalDate d : days) {
            if (known.add(d)) {
                Jdbc.list(c, "SELECT microseg_ensure_flow_partitions(?, 1)", rs -> rs.getInt(1), java.sql.Date.valueOf(d));
            }
        }
    }

    static LocalDate day(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Creates the coming week's partitions and drops expired ones. */
    @Scheduled(fixedDelay = "1h", initialDelay = "1s")
    public void maintain() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int[] counts = tx.platform(c -> new int[] {
            Jdbc.one(c, "SELECT microseg_ensure_flow_partitions(?, ?)", rs -> rs.getInt(1),
                    java.sql.Date.valueOf(today.minusDays(1)), DAYS_AHEAD + 1).orElse(0),
            Jdbc.one(c, "SELECT microseg_drop_flow_partitions(?)", rs -> rs.getInt(1),
                    java.sql.Date.valueOf(today.minusDays(retentionDays))).orElse(0)});
        if (counts[0] > 0 || counts[1] > 0) {
            LOG.info("flow partitions created={} dropped={} retention_days={}", counts[0], counts[1], retentionDays);
        }
        known.removeIf(d -> d.isBefore(today.minusDays(retentionDays)));
    }
}
