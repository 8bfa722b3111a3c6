package dev.microseg.dp.engine;

import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.ViolationReason;

/**
 * What the reporter knows of one connection between its decision and its end: who decided what,
 * and the counters already reported, so every connection record carries what happened since the
 * previous one (docs/dp-protocol.md, kind 2: "what a flow did during one report interval").
 * Totals come from the session table while the dp sees the packets, from conntrack once the
 * connection is offloaded. Reporter thread only.
 */
final class Flow {
    final FlowKey key;
    MacAddress workload;
    boolean ingress;
    int ruleId;
    long application;
    RuleAction action;
    ViolationReason reason;
    boolean offloaded;
    long firstSeen;
    long lastSeen;
    /** Packets and bytes initiator → responder and back, as last read. */
    long packetsToServer;
    long packetsToClient;
    long bytesToServer;
    long bytesToClient;
    /** The same, as last reported. */
    long reportedPacketsToServer;
    long reportedPacketsToClient;
    long reportedBytesToServer;
    long reportedBytesToClient;
    /** A record is due (new flow or a changed decision) even if the counters did not move. */
    boolean due;
    /** Consecutive conntrack dumps that did not contain this offloaded flow. */
    int missedDumps;
    /** The conntrack entry's id (CTA_ID) once a dump showed it; 0 before. */
    long conntrackId;
    /**
     * A DESTROY event for this tuple that arrived before a dump told this flow's entry apart: it
     * may be the end of an earlier connection on the same tuple (conntrack kills a closed entry
     * when a new SYN reuses its ports). The next dump decides: the flow's entry still there, the
     * event was not its own; gone, these are its final counters.
     */
    dev.microseg.dp.conntrack.ConntrackEntry pendingDestroy;

    Flow(FlowKey key) {
        this.key = key;
    }

    boolean violation() {
        return action == RuleAction.DENY || action == RuleAction.VIOLATE;
    }

    /** Takes new totals; counters never go back (a smaller reading keeps the larger one). */
    void totals(long pToServer, long pToClient, long bToServer, long bToClient, long seen) {
        boolean moved = pToServer > packetsToServer || pToClient > packetsToClient;
        packetsToServer = Math.max(packetsToServer, pToServer);
        packetsToClient = Math.max(packetsToClient, pToClient);
        bytesToServer = Math.max(bytesToServer, bToServer);
        bytesToClient = Math.max(bytesToClient, bToClient);
        if (moved) {
            lastSeen = Math.max(lastSeen, seen);
        }
    }

    boolean changedSinceReport() {
        return packetsToServer != reportedPacketsToServer || packetsToClient != reportedPacketsToClient
                || bytesToServer != reportedBytesToServer || bytesToClient != reportedBytesToClient;
    }
}
