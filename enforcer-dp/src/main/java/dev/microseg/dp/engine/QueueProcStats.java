package dev.microseg.dp.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's own view of the dp's queues, from {@code /proc/net/netfilter/nfnetlink_queue}
 * (one line per bound queue: {@code queue_number peer_portid queue_total copy_mode copy_range
 * queue_dropped user_dropped id_sequence 1}, net/netfilter/nfnetlink_queue.c seq_show): packets
 * waiting, dropped because the queue was full, and dropped because the netlink socket could not
 * take them. The file is per network namespace; read it from a thread inside the dp's namespace
 * ({@code /proc/thread-self/net/...}).
 *
 * @param waiting     packets queued now, summed over the dp's queues
 * @param queueDropped packets the kernel dropped (or, fail-open, accepted) because a queue was full
 * @param userDropped packets lost because the socket's receive buffer was full
 */
record QueueProcStats(long waiting, long queueDropped, long userDropped) {
    static final Path FILE = Path.of("/proc/thread-self/net/netfilter/nfnetlink_queue");
    static final QueueProcStats NONE = new QueueProcStats(0, 0, 0);

    /** Reads the queues {@code first .. first + count - 1}; NONE when the file cannot be read. */
    static QueueProcStats read(Path file, int first, int count) {
        try {
            return parse(Files.readString(file), first, count);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    static QueueProcStats parse(String text, int first, int count) {
        long waiting = 0;
        long queueDropped = 0;
        long userDropped = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 7) {
                continue;
            }
            int queue = Integer.parseInt(f[0]);
            if (queue < first || queue >= first + count) {
                continue;
            }
            waiting += Long.parseLong(f[2]);
            queueDropped += Long.parseLong(f[5]);
            userDropped += Long.parseLong(f[6]);
        }
        return new QueueProcStats(waiting, queueDropped, userDropped);
    }
}
