package dev.microseg.dp.ctrl;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The control server's own counters, readable from any thread; exported in {@code ctrl_stats} replies. */
final class ControlCounters {
    enum Name {
        RX_DATAGRAMS("ctrl.rx_datagrams"),
        RX_BYTES("ctrl.rx_bytes"),
        COMMANDS("ctrl.commands"),
        MALFORMED("ctrl.malformed"),
        OVERSIZE("ctrl.oversize"),
        REJECTED("ctrl.rejected"),
        HANDLER_FAILURES("ctrl.handler_failures"),
        LOOP_FAILURES("ctrl.loop_failures"),
        KEEPALIVES("ctrl.keepalives"),
        POLICIES_APPLIED("ctrl.policies_applied"),
        BATCH_RESTARTED("ctrl.batch_restarted"),
        BATCH_EXPIRED("ctrl.batch_expired"),
        BATCH_PENDING("ctrl.batch_pending"),
        REPLIES_SENT("ctrl.replies_sent"),
        REPLIES_DROPPED("ctrl.replies_dropped"),
        REPLIES_NO_ADDRESS("ctrl.replies_no_address"),
        REPORTS_SENT("report.messages_sent"),
        REPORTS_DROPPED("report.messages_dropped"),
        LOG_SUPPRESSED("ctrl.log_suppressed");

        final String wire;

        Name(String wire) {
            this.wire = wire;
        }
    }

    private final EnumMap<Name, AtomicLong> values = new EnumMap<>(Name.class);

    ControlCounters() {
        for (Name n : Name.values()) {
            values.put(n, new AtomicLong());
        }
    }

    void inc(Name n) {
        values.get(n).incrementAndGet();
    }

    void add(Name n, long delta) {
        values.get(n).addAndGet(delta);
    }

    void set(Name n, long v) {
        values.get(n).set(v);
    }

    long get(Name n) {
        return values.get(n).get();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k.wire, v.get()));
        return m;
    }
}
