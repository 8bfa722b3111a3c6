package dev.microseg.model.workload;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An enrolled host running the node enforcer.
 *
 * @param id                    assigned by the control plane at enrollment
 * @param hostname              as the node reported it
 * @param agentVersion          node-enforcer version
 * @param enforcedPolicyVersion the tenant policy version the node last acked
 * @param connected             whether a stream is open now
 * @param lastSeen              last heartbeat, or null if never connected
 */
public record Node(UUID id, String hostname, String agentVersion, long enforcedPolicyVersion,
                   boolean connected, Instant lastSeen) {
    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
        agentVersion = agentVersion == null ? "" : agentVersion;
    }
}
