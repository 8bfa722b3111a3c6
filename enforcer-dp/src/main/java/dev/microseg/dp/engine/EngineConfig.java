package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.protocol.CtrlSysConf;

import java.util.Objects;

/**
 * The engine's start-up settings (the process's flags); {@code ctrl_sys_conf} changes the
 * run-time ones later ({@link Engine#onSysConf}).
 *
 * @param failOpen      the verdict when the dp cannot decide (malformed packet): accept (true) or drop
 * @param offload       decided connections continue in the kernel (the ct mark); false keeps every
 *                      packet in user space ({@code --no-offload}: benchmarks, DPI later)
 * @param maxSessions   session table capacity until {@code ctrl_sys_conf} says otherwise
 * @param maxEndpoints  workload endpoints (MACs) at once
 * @param marks         the mark bits the dp owns
 */
public record EngineConfig(boolean failOpen, boolean offload, int maxSessions, int maxEndpoints, MarkBits marks) {
    /** Endpoints per host: as many as the control protocol's unfinished batches (one per workload). */
    public static final int DEFAULT_MAX_ENDPOINTS = 4096;

    public EngineConfig {
        Objects.requireNonNull(marks, "marks");
        if (maxSessions < CtrlSysConf.MIN_SESSIONS || maxSessions > CtrlSysConf.MAX_SESSIONS) {
            throw new IllegalArgumentException("max sessions " + maxSessions + " outside " + CtrlSysConf.MIN_SESSIONS
                    + ".." + CtrlSysConf.MAX_SESSIONS);
        }
        if (maxEndpoints < 1 || maxEndpoints > 65536) {
            throw new IllegalArgumentException("max endpoints " + maxEndpoints + " outside 1..65536");
        }
    }

    /** Offload on, the default session capacity and endpoints, the default marks. */
    public static EngineConfig of(boolean failOpen) {
        return new EngineConfig(failOpen, true, CtrlSysConf.defaults().maxSessions(), DEFAULT_MAX_ENDPOINTS,
                MarkBits.DEFAULT);
    }

    public EngineConfig withOffload(boolean on) {
        return new EngineConfig(failOpen, on, maxSessions, maxEndpoints, marks);
    }

    public EngineConfig withMaxSessions(int n) {
        return new EngineConfig(failOpen, offload, n, maxEndpoints, marks);
    }
}
