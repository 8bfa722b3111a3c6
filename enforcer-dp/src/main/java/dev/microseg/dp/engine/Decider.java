package dev.microseg.dp.engine;

import dev.microseg.dp.packet.IcmpTypes;
import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.policy.PolicyTable;

/**
 * Classifies a connection at its local ends and combines the answers ({@link Outcome}). Shared by
 * the packet path (first packet of a connection, or a packet decided under an older policy) and by
 * re-evaluation after a policy change. Reads the published endpoint snapshot and policies with
 * volatile reads; allocates nothing.
 */
final class Decider {
    /**
     * The application value for a connection whose application will not be known (DPI gave up, or
     * the connection is offloaded): no rule with {@code apps} matches it, so the lookup falls through
     * to the rules without applications and the default, as NeuVector does when DPI cannot tell.
     */
    static final int APP_UNIDENTIFIED = -1;

    private final Endpoints endpoints;
    private final PolicyTable policies;

    Decider(Endpoints endpoints, PolicyTable policies) {
        this.endpoints = endpoints;
        this.policies = policies;
    }

    /**
     * Decides the connection initiator → responder.
     *
     * @param port the responder's port (TCP/UDP), the ICMP request type ({@link #icmpPort}), else 0
     * @param app  {@link Classifier#APP_UNKNOWN} while DPI may still tell, an application id, or
     *             {@link #APP_UNIDENTIFIED}
     */
    Outcome decide(int proto, long iHi, long iLo, long rHi, long rLo, int port, int app, Outcome out) {
        int src = endpoints.lookup(iHi, iLo);
        int dst = endpoints.lookup(rHi, rLo);
        Decision egress = src == AddressMap.NONE ? null : answer(src, false, iHi, iLo, rHi, rLo, proto, port, app);
        Decision ingress = dst == AddressMap.NONE ? null : answer(dst, true, iHi, iLo, rHi, rLo, proto, port, app);
        return out.combine(egress, src, ingress, dst);
    }

    private Decision answer(int endpoint, boolean ingress, long iHi, long iLo, long rHi, long rLo, int proto, int port,
                            int app) {
        Classifier c = endpoint < policies.maxEndpoints() ? policies.get(endpoint) : null;
        return c == null ? Decision.UNENFORCED : c.lookup(ingress, iHi, iLo, rHi, rLo, proto, port, app);
    }

    /**
     * The value ICMP rules match for a packet of type {@code type}: the request type for the
     * messages of an exchange (echo, timestamp), so a reply seen first is classified like its
     * request, else the type itself (ClassifierRule matches ICMP types with its port range).
     */
    static int icmpPort(int proto, int type) {
        boolean v6 = proto == IpProtocols.ICMPV6;
        if (IcmpTypes.hasIdentifier(v6, type) && !IcmpTypes.isRequest(v6, type)) {
            if (v6) {
                return IcmpTypes.V6_ECHO_REQUEST;
            }
            return type == IcmpTypes.V4_TIMESTAMP_REPLY ? IcmpTypes.V4_TIMESTAMP : IcmpTypes.V4_ECHO_REQUEST;
        }
        return type;
    }

    static boolean isIcmp(int proto) {
        return proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6;
    }
}
