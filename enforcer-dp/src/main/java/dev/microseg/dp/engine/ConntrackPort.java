package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.conntrack.ConntrackTuple;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the reporter needs of the conntrack table: the offloaded connections (their decision
 * lives in the ct mark), cutting or re-admitting one by rewriting its mark, and the DESTROY
 * events with final counters. {@link KernelConntrack} is the real one (ctnetlink); unit tests of
 * re-evaluation give a fake. Used by the reporter thread only.
 */
interface ConntrackPort extends AutoCloseable {
    /** Entries whose {@code ctmark & mask == mark}. */
    List<ConntrackEntry> dumpByMark(int mark, int mask) throws IOException;

    /** Sets the masked bits of the entry's ct mark; false when the entry is gone. */
    boolean setMark(ConntrackTuple tuple, int mark, int mask) throws IOException;

    /**
     * Waits up to a short poll interval for DESTROY events and hands each entry to {@code c}.
     *
     * @return events handed over (0 when none came within the interval)
     */
    int pollDestroyed(Consumer<ConntrackEntry> c) throws IOException;

    /** Times the kernel dropped DESTROY events (socket overrun). */
    long eventsLost();

    @Override
    void close();
}
