package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * One application update (kind 4): DPI identified the application of a session.
 *
 * @param tuple       workload and 5-tuple
 * @param application the application id, 1 or more (u32)
 * @param atMillis    when it was identified (epoch ms)
 */
public record AppUpdate(FlowTuple tuple, long application, long atMillis) {
    public AppUpdate {
        Objects.requireNonNull(Check.present("tuple", tuple));
        Check.range("application", application, 1, Check.U32_MAX);
        Check.range("at_ms", atMillis, 0, Long.MAX_VALUE);
    }
}
