package dev.microseg.dp.engine;

import dev.microseg.dp.packet.DecodeResult;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The packet path's counters of one queue thread: written by that thread only, with opaque
 * stores (no fences, no contention), read by anyone ({@link #sum}). The names are those of
 * {@code ctrl_stats} and SIGUSR1.
 */
final class PathCounters {
    /** Counters of the packet path; the wire name of each is {@code dp.} + its lower-case name. */
    enum Name {
        PACKETS("dp.packets"),
        BYTES("dp.bytes"),
        ACCEPT("dp.verdict.accept"),
        DROP("dp.verdict.drop"),
        OFFLOAD_ACCEPT("dp.verdict.offload_accept"),
        OFFLOAD_DROP("dp.verdict.offload_drop"),
        REJECT("dp.verdict.reject"),
        FAIL_VERDICT("dp.verdict.fail"),
        DECIDED_ALLOW("dp.decision.allow"),
        DECIDED_DENY("dp.decision.deny"),
        DECIDED_VIOLATE("dp.decision.violate"),
        DECIDED_PENDING("dp.decision.pending"),
        REDECIDED("dp.decision.policy_changed"),
        NO_ENDPOINT("dp.decision.no_endpoint"),
        NO_SESSION("dp.no_session"),
        DECODE_ERRORS("dp.decode_errors"),
        ICMP_ERRORS("dp.icmp_errors"),
        APP_IDENTIFIED("dp.app.identified"),
        EVENTS_DROPPED("report.events_dropped"),
        CACHE_OFFERS("kcache.offers");

        final String wire;

        Name(String wire) {
            this.wire = wire;
        }
    }

    private static final VarHandle AT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final Name[] NAMES = Name.values();
    private static final DecodeResult[] RESULTS = DecodeResult.values();

    private final long[] values = new long[NAMES.length];
    private final long[] decode = new long[RESULTS.length];

    void inc(Name n) {
        add(values, n.ordinal(), 1);
    }

    void add(Name n, long delta) {
        add(values, n.ordinal(), delta);
    }

    void decodeError(DecodeResult r) {
        add(values, Name.DECODE_ERRORS.ordinal(), 1);
        add(decode, r.ordinal(), 1);
    }

    private static void add(long[] a, int i, long delta) {
        AT.setOpaque(a, i, (long) AT.getOpaque(a, i) + delta);
    }

    long get(Name n) {
        return (long) AT.getOpaque(values, n.ordinal());
    }

    long get(DecodeResult r) {
        return (long) AT.getOpaque(decode, r.ordinal());
    }

    /** The counters summed over {@code all}, in declaration order, decode errors per kind last. */
    static void sum(List<PathCounters> all, Map<String, Long> into) {
        for (Name n : NAMES) {
            long s = 0;
            for (PathCounters c : all) {
                s += c.get(n);
            }
            into.put(n.wire, s);
        }
        for (DecodeResult r : RESULTS) {
            if (r == DecodeResult.OK) {
                continue;
            }
            long s = 0;
            for (PathCounters c : all) {
                s += c.get(r);
            }
            into.put("dp.decode." + r.name().toLowerCase(Locale.ROOT), s);
        }
    }
}
