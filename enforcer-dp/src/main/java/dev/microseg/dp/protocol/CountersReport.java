package dev.microseg.dp.protocol;

import java.util.List;
import java.util.Map;

/**
 * Kind 5: the reply to {@code ctrl_stats}. Self-describing (name, value) pairs, so the dp can add
 * counters without a protocol change. Split over several messages if needed; each repeats
 * {@code seqNum}.
 *
 * @param seqNum   the request's {@code seq_num}
 * @param counters in the dp's order
 */
public record CountersReport(long seqNum, List<Counter> counters) implements Report {
    public CountersReport {
        Check.u32("seq_num", seqNum);
        counters = Check.list("counters", counters, Integer.MAX_VALUE);
    }

    /** From a map, in its iteration order. */
    public static CountersReport of(long seqNum, Map<String, Long> values) {
        return new CountersReport(seqNum, values.entrySet().stream().map(e -> new Counter(e.getKey(), e.getValue())).toList());
    }

    /** The counters as a map in report order; a later duplicate name wins. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        counters.forEach(c -> m.put(c.name(), c.value()));
        return m;
    }

    @Override
    public ReportKind kind() {
        return ReportKind.COUNTERS;
    }
}
