package dev.microseg.dp.engine;

import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.FlowTuple;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.Subnet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reporter's flows by connection, and the records it makes of them. Bounded: at most
 * {@code maxFlows} flows (about 250 bytes each with the map's entry); a connection decided while
 * the ledger is full is counted ({@code report.flows_untracked}) and not reported. Reporter thread
 * only.
 */
final class FlowLedger {
    private final int maxFlows;
    private final Map<FlowKey, Flow> flows = new HashMap<>();
    private long untracked;

    FlowLedger(int maxFlows) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows must be positive, was " + maxFlows);
        }
        this.maxFlows = maxFlows;
    }

    /** The flow filed under {@code k}, or under its reverse (the initiator guessed wrong); null if none. */
    Flow find(FlowKey k) {
        Flow f = flows.get(k);
        return f != null ? f : flows.get(k.reversed());
    }

    /** A new flow, or null when the ledger is full (counted). */
    Flow create(FlowKey k) {
        if (flows.size() >= maxFlows) {
            untracked++;
            return null;
        }
        Flow f = new Flow(k);
        flows.put(k, f);
        return f;
    }

    Flow remove(Flow f) {
        return flows.remove(f.key);
    }

    Collection<Flow> all() {
        return List.copyOf(flows.values());
    }

    int size() {
        return flows.size();
    }

    long untracked() {
        return untracked;
    }

    /**
     * The flow's record for what happened since its last one, and marks that reported.
     *
     * @param internal the internal subnets; a peer outside them is "external" (none configured: nothing is)
     */
    static Connection record(Flow f, List<Subnet> internal) {
        FlowTuple tuple = tuple(f);
        long first = Math.min(f.firstSeen, f.lastSeen);
        Connection c = new Connection(tuple, f.application, f.ruleId, f.action, f.violation(), f.ingress,
                external(tuple, f.ingress, internal), 1, f.packetsToServer - f.reportedPacketsToServer,
                f.packetsToClient - f.reportedPacketsToClient, f.bytesToServer - f.reportedBytesToServer,
                f.bytesToClient - f.reportedBytesToClient, first, Math.max(first, f.lastSeen));
        f.reportedPacketsToServer = f.packetsToServer;
        f.reportedPacketsToClient = f.packetsToClient;
        f.reportedBytesToServer = f.bytesToServer;
        f.reportedBytesToClient = f.bytesToClient;
        f.due = false;
        return c;
    }

    /**
     * The records of every flow whose counters moved or that is due, in one list.
     */
    List<Connection> records(List<Subnet> internal) {
        List<Connection> out = new ArrayList<>();
        for (Flow f : flows.values()) {
            if (f.due || f.changedSinceReport()) {
                out.add(record(f, internal));
            }
        }
        return out;
    }

    static FlowTuple tuple(Flow f) {
        FlowKey k = f.key;
        IpAddress client = Endpoints.toProtocol(k.iHi(), k.iLo());
        IpAddress server = Endpoints.toProtocol(k.rHi(), k.rLo());
        int clientPort = k.iPort();
        int serverPort = k.rPort();
        if (k.proto() == IpProtocols.ICMP || k.proto() == IpProtocols.ICMPV6) {
            // Echo connections are keyed by identifier; reports carry the request type << 8 | code.
            clientPort = 0;
            serverPort = (k.proto() == IpProtocols.ICMP ? 8 : 128) << 8;
        }
        return new FlowTuple(f.workload, k.proto(), client, clientPort, server, serverPort);
    }

    static boolean external(FlowTuple t, boolean ingress, List<Subnet> internal) {
        if (internal.isEmpty()) {
            return false;
        }
        IpAddress peer = ingress ? t.client() : t.server();
        for (Subnet s : internal) {
            if (s.contains(peer)) {
                return false;
            }
        }
        return true;
    }
}
