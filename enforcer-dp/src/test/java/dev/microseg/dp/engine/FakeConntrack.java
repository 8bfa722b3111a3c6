package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackCounters;
import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.conntrack.ConntrackTuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A conntrack table in memory, for unit tests of re-evaluation and reporting (the kernel's is
 * exercised by DataplaneE2ETest and OffloadKernelTest): entries by original tuple with a mark and
 * counters, mark rewrites recorded, DESTROY events queued by the test.
 */
final class FakeConntrack implements ConntrackPort {
    private final Map<ConntrackTuple, ConntrackEntry> entries = new LinkedHashMap<>();
    private final List<ConntrackEntry> destroyed = new ArrayList<>();
    final List<String> markChanges = new ArrayList<>();
    private long ids;

    void put(ConntrackTuple t, int mark, long pOrig, long bOrig, long pReply, long bReply) {
        ConntrackTuple reply = new ConntrackTuple(t.destination(), t.source(), t.protocol(), switch (t.l4()) {
            case ConntrackTuple.Ports p -> new ConntrackTuple.Ports(p.destination(), p.source());
            default -> t.l4();
        });
        ConntrackEntry old = entries.get(t);
        entries.put(t, new ConntrackEntry(t, reply, mark, ConntrackEntry.IPS_CONFIRMED, old != null ? old.id() : ++ids, 100,
                Optional.of(new ConntrackCounters(pOrig, bOrig)), Optional.of(new ConntrackCounters(pReply, bReply))));
    }

    ConntrackEntry get(ConntrackTuple t) {
        return entries.get(t);
    }

    /** A new connection on a tuple whose entry is gone (or replaced): a new id, as the kernel gives. */
    void replace(ConntrackTuple t, int mark, long pOrig, long bOrig, long pReply, long bReply) {
        entries.remove(t);
        put(t, mark, pOrig, bOrig, pReply, bReply);
    }

    /** Removes the entry and queues its DESTROY event. */
    void destroy(ConntrackTuple t) {
        destroyed.add(entries.remove(t));
    }

    @Override
    public List<ConntrackEntry> dumpByMark(int mark, int mask) {
        return entries.values().stream().filter(e -> (e.mark() & mask) == mark).toList();
    }

    @Override
    public boolean setMark(ConntrackTuple tuple, int mark, int mask) {
        ConntrackEntry e = entries.get(tuple);
        if (e == null) {
            return false;
        }
        markChanges.add(tuple + " -> 0x" + Integer.toHexString(mark));
        entries.put(tuple, new ConntrackEntry(e.original(), e.reply(), (e.mark() & ~mask) | mark, e.status(), e.id(),
                e.timeoutSeconds(), e.originalCounters(), e.replyCounters()));
        return true;
    }

    @Override
    public int pollDestroyed(Consumer<ConntrackEntry> c) {
        int n = destroyed.size();
        destroyed.forEach(c);
        destroyed.clear();
        return n;
    }

    @Override
    public long eventsLost() {
        return 0;
    }

    @Override
    public void close() {
    }
}
