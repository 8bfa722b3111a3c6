package dev.microseg.bench;

/**
 * Baseline for the session table: the obvious Java design, a {@code ConcurrentHashMap} from a
 * canonical key record to a session object holding the same fields as a table slot.
 */
final class SessionBaseline {
    record FlowKey(long aHi, long aLo, long bHi, long bLo, int ports, int proto) {
        static FlowKey of(int proto, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
            int c = Long.compareUnsigned(sHi, dHi);
            if (c == 0) {
                c = Long.compareUnsigned(sLo, dLo);
            }
            if (c == 0) {
                c = Integer.compare(sPort, dPort);
            }
            return c <= 0 ? new FlowKey(sHi, sLo, dHi, dLo, sPort << 16 | dPort, proto)
                : new FlowKey(dHi, dLo, sHi, sLo, dPort << 16 | sPort, proto);
        }
    }

    static final class Session {
        long packetsFromInitiator;
        long packetsFromResponder;
        long bytesFromInitiator;
        long bytesFromResponder;
        long firstSeen;
        long lastSeen;
        int tcpState;
        int verdict;
        int ruleId;
        int appId;
        int endpoint;
        int generation;
        boolean initiatorIsB;
        boolean offloaded;
        boolean reported;
    }

    private SessionBaseline() {
    }
}
