package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.Conntrack;
import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.conntrack.ConntrackEvent;
import dev.microseg.dp.conntrack.ConntrackEvents;
import dev.microseg.dp.conntrack.ConntrackTuple;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link ConntrackPort} over ctnetlink: one request socket and one DESTROY subscription, both
 * opened by (and living in the network namespace of) the reporter thread.
 */
final class KernelConntrack implements ConntrackPort {
    /** How long one poll for DESTROY events waits: the reporter's loop period when idle. */
    static final Duration EVENT_POLL = Duration.ofMillis(100);

    private final Conntrack conntrack;
    private final ConntrackEvents events;

    private KernelConntrack(Conntrack conntrack, ConntrackEvents events) {
        this.conntrack = conntrack;
        this.events = events;
    }

    /** Turns accounting on and opens both sockets in the calling thread's namespace. */
    static KernelConntrack open() throws IOException {
        Conntrack.enableAccounting();
        Conntrack c = Conntrack.open();
        try {
            return new KernelConntrack(c, ConntrackEvents.subscribe(EnumSet.of(ConntrackEvent.Type.DESTROY),
                    ConntrackEvents.DEFAULT_RECEIVE_BUFFER, EVENT_POLL));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public List<ConntrackEntry> dumpByMark(int mark, int mask) throws IOException {
        return conntrack.dumpByMark(mark, mask);
    }

    @Override
    public boolean setMark(ConntrackTuple tuple, int mark, int mask) throws IOException {
        return conntrack.setMark(tuple, mark, mask);
    }

    @Override
    public int pollDestroyed(Consumer<ConntrackEntry> c) throws IOException {
        return events.poll(e -> {
            if (e.type() == ConntrackEvent.Type.DESTROY) {
                c.accept(e.entry());
            }
        });
    }

    @Override
    public long eventsLost() {
        return events.lost();
    }

    @Override
    public void close() {
        events.close();
        conntrack.close();
    }
}
