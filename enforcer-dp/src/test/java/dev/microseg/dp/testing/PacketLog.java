package dev.microseg.dp.testing;

import dev.microseg.dp.nfq.NfqPacket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A thread-safe record of the packets a queue handler saw, for assertions. */
public final class PacketLog {
    private final List<SeenPacket> packets = new ArrayList<>();

    public synchronized void add(NfqPacket p) {
        packets.add(SeenPacket.of(p));
    }

    public synchronized List<SeenPacket> all() {
        return List.copyOf(packets);
    }

    public synchronized List<SeenPacket> matching(Predicate<SeenPacket> filter) {
        return packets.stream().filter(filter).toList();
    }

    public synchronized long count(Predicate<SeenPacket> filter) {
        return packets.stream().filter(filter).count();
    }

    public synchronized void clear() {
        packets.clear();
    }

    /** Waits until at least {@code n} recorded packets match; returns how many did by the deadline. */
    public long await(Predicate<SeenPacket> filter, long n, Duration timeout) throws InterruptedException {
        return Await.until(() -> count(filter), v -> v >= n, timeout);
    }

    public synchronized List<SeenPacket> snapshot() {
        return new ArrayList<>(packets);
    }
}
