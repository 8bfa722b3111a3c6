package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * One connection record (kind 2): what a flow did during one report interval. The agent aggregates
 * these into the 5 s flow records the control plane stores.
 *
 * @param tuple           workload and 5-tuple
 * @param application     identified application id, 0 if none yet
 * @param ruleId          the rule that decided, 0 for the default action
 * @param action          the verdict
 * @param violation       the flow violated policy (denied in Protect, passed and flagged in Monitor)
 * @param ingress         the workload is the responder
 * @param external        the peer lies outside the internal subnets
 * @param sessions        sessions aggregated into this record, u32
 * @param packetsToServer packets client → server, non-negative
 * @param packetsToClient packets server → client
 * @param bytesToServer   bytes client → server
 * @param bytesToClient   bytes server → client
 * @param firstSeenMillis first packet of the flow (epoch ms)
 * @param lastSeenMillis  last packet (epoch ms), not before the first
 */
public record Connection(FlowTuple tuple, long application, long ruleId, RuleAction action, boolean violation,
                         boolean ingress, boolean external, long sessions, long packetsToServer,
                         long packetsToClient, long bytesToServer, long bytesToClient, long firstSeenMillis,
                         long lastSeenMillis) {
    public Connection {
        Objects.requireNonNull(Check.present("tuple", tuple));
        Check.u32("application", application);
        Check.u32("rule_id", ruleId);
        Objects.requireNonNull(Check.present("action", action));
        Check.u32("sessions", sessions);
        Check.range("packets_to_server", packetsToServer, 0, Long.MAX_VALUE);
        Check.range("packets_to_client", packetsToClient, 0, Long.MAX_VALUE);
        Check.range("bytes_to_server", bytesToServer, 0, Long.MAX_VALUE);
        Check.range("bytes_to_client", bytesToClient, 0, Long.MAX_VALUE);
        Check.range("first_seen_ms", firstSeenMillis, 0, Long.MAX_VALUE);
        Check.range("last_seen_ms", lastSeenMillis, firstSeenMillis, Long.MAX_VALUE);
    }
}
