package dev.microseg.dp.conntrack;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.netlink.NetlinkSocket;
import dev.microseg.dp.netlink.Nl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Requests to the conntrack table through ctnetlink (NETLINK_NETFILTER, subsystem CTNETLINK): read
 * one entry with its counters, change an entry's mark, delete an entry, dump entries by mark.
 *
 * <p>The data plane uses it for offloaded connections: their decision lives in the ct mark
 * (see {@code dev.microseg.dp.intercept.MarkBits}); rewriting the mark to the DROP decision cuts a
 * connection the kernel was accepting on its own, and the counters give its traffic since it
 * left user space. Requests act on the network namespace of the thread that opened the socket.
 * Not thread-safe: one owner thread.
 */
public final class Conntrack implements AutoCloseable {
    /** The per-namespace switch for per-connection counters (nf_conntrack(7) sysctl). */
    public static final Path ACCOUNTING_SYSCTL = Path.of("/proc/sys/net/netfilter/nf_conntrack_acct");
    /** A dump interrupted by concurrent table changes is retried this many times. */
    private static final int DUMP_ATTEMPTS = 3;

    private final NetlinkSocket socket;
    private final CtCodec codec = new CtCodec();

    private Conntrack(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a ctnetlink socket in the calling thread's network namespace. */
    public static Conntrack open() throws NetlinkException {
        return new Conntrack(NetlinkSocket.open(Nl.NETLINK_NETFILTER, "conntrack"));
    }

    /**
     * Turns on per-connection counters ({@code net.netfilter.nf_conntrack_acct=1}) in the calling
     * thread's network namespace. Counters exist only for connections created afterwards.
     */
    public static void enableAccounting() throws IOException {
        try {
            Files.writeString(ACCOUNTING_SYSCTL, "1\n");
        } catch (IOException e) {
            throw new IOException("enabling conntrack accounting (" + ACCOUNTING_SYSCTL + "=1): " + e.getMessage(), e);
        }
    }

    /** The entry whose original tuple is {@code tuple}, or empty when there is none. */
    public Optional<ConntrackEntry> get(ConntrackTuple tuple) throws NetlinkException {
        String step = "getting conntrack entry " + tuple;
        CtCodec.encodeGet(socket.requestWriter(), socket.nextSequence(), tuple);
        List<ConntrackEntry> found = new ArrayList<>(1);
        try {
            socket.transact(step, false, m -> {
                if (m.type() == CtCodec.NEW_TYPE) {
                    found.add(codec.decodeEntry(m));
                }
            }, null);
        } catch (NetlinkException e) {
            if (e.is(Errno.ENOENT)) {
                return Optional.empty();
            }
            throw e;
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /**
     * Sets the bits of {@code mask} in the entry's mark to {@code mark}, keeping the others.
     *
     * @return false when there is no such entry
     */
    public boolean setMark(ConntrackTuple tuple, int mark, int mask) throws NetlinkException {
        if ((mark & ~mask) != 0) {
            throw new IllegalArgumentException("mark 0x" + Integer.toHexString(mark) + " has bits outside mask 0x"
                    + Integer.toHexString(mask));
        }
        CtCodec.encodeSetMark(socket.requestWriter(), socket.nextSequence(), tuple, mark, mask);
        return existed(() -> socket.transact("setting mark 0x" + Integer.toHexString(mark) + "/0x"
                + Integer.toHexString(mask) + " on conntrack entry " + tuple, false, m -> { }, null));
    }

    /**
     * Deletes the entry; the kernel then emits its DESTROY event with final counters.
     *
     * @return false when there is no such entry
     */
    public boolean delete(ConntrackTuple tuple) throws NetlinkException {
        CtCodec.encodeDelete(socket.requestWriter(), socket.nextSequence(), tuple);
        return existed(() -> socket.transact("deleting conntrack entry " + tuple, false, m -> { }, null));
    }

    /** Every entry, IPv4 and IPv6, with {@code ctmark & mask == mark} (filtered in the kernel). */
    public List<ConntrackEntry> dumpByMark(int mark, int mask) throws NetlinkException {
        String step = "dumping conntrack entries with mark 0x" + Integer.toHexString(mark) + "/0x"
                + Integer.toHexString(mask);
        for (int attempt = 1; ; attempt++) {
            List<ConntrackEntry> entries = new ArrayList<>();
            CtCodec.encodeDumpByMark(socket.requestWriter(), socket.nextSequence(), mark, mask);
            try {
                socket.transact(step, true, m -> {
                    if (m.type() == CtCodec.NEW_TYPE) {
                        entries.add(codec.decodeEntry(m));
                    }
                }, null);
                return entries;
            } catch (NetlinkException e) {
                if (!e.is(Errno.EINTR) || attempt == DUMP_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @FunctionalInterface
    private interface Request {
        void run() throws NetlinkException;
    }

    private static boolean existed(Request r) throws NetlinkException {
        try {
            r.run();
            return true;
        } catch (NetlinkException e) {
            if (e.is(Errno.ENOENT)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
