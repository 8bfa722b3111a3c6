package dev.microseg.model.flow;

import dev.microseg.model.policy.Protocol;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * A 5-second aggregate of connections between a client and a server endpoint, as nodes report
 * them. Workload ids are empty where a side is outside the cluster.
 *
 * @param windowStart    start of the aggregation window
 * @param nodeId         reporting node
 * @param clientWorkload client workload id, or empty
 * @param serverWorkload server workload id, or empty
 * @param clientIp       client address
 * @param serverIp       server address
 * @param protocol       L4 protocol
 * @param serverPort     destination port (0 for ICMP)
 * @param application    application id (0 = unknown)
 * @param ruleId         the rule that decided (0 = default action)
 * @param verdict        what happened
 * @param sessions       connections in the window
 * @param packets        packets both ways
 * @param bytes          bytes both ways
 */
public record FlowRecord(Instant windowStart, String nodeId, String clientWorkload, String serverWorkload,
                         InetAddress clientIp, InetAddress serverIp, Protocol protocol, int serverPort,
                         int application, long ruleId, Verdict verdict, long sessions, long packets, long bytes) {
    public FlowRecord {
        Objects.requireNonNull(windowStart, "windowStart");
        clientWorkload = clientWorkload == null ? "" : clientWorkload;
        serverWorkload = serverWorkload == null ? "" : serverWorkload;
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(serverIp, "serverIp");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(verdict, "verdict");
        if (serverPort < 0 || serverPort > 65535) {
            throw new IllegalArgumentException("serverPort out of range: " + serverPort);
        }
        if (sessions < 0 || packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("counters must not be negative");
        }
    }
}
