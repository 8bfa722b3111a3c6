package dev.microseg.dp.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One {@code AF_NETLINK} socket (netlink(7)) with the buffers it needs, opened through FFM.
 *
 * <p>Not thread-safe: one owner thread sends and receives. The socket is created in the network
 * namespace of the calling thread (see {@code dev.microseg.dp.netns.Netns}).
 *
 * <p>{@link #transact} implements the request/acknowledge exchange: the request carries
 * {@code NLM_F_ACK} and a fresh sequence number; replies with that sequence number go to the
 * caller's handler until the kernel's ACK ({@code NLMSG_ERROR} with error 0), an error, or for
 * dumps {@code NLMSG_DONE}. Messages with another sequence number (queued packets, errors for
 * earlier verdicts, events) go to an "unsolicited" handler instead of being lost. Errors carry the
 * caller's step, the errno name and the kernel's extended-ack text when it sent one.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** How long a request waits for its acknowledgement before failing. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(5);
    /** Default request buffer: far above any control message the dp builds (largest ~200 bytes). */
    public static final int REQUEST_BUFFER = 64 * 1024;
    /**
     * Reply buffer: netlink dumps fill skbs of at most 32 KiB ({@code netlink_dump}, capped by
     * {@code nlk->max_recvmsg_len}); 256 KiB leaves room for a reply to a batched request.
     */
    public static final int REPLY_BUFFER = 256 * 1024;
    private static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofMillis(250);
    private static final int SOCKADDR_NL_LEN = 12;

    @FunctionalInterface
    public interface Handler {
        void onMessage(NlCursor message) throws NlDecodeException;
    }

    private final Arena arena;
    private final MemorySegment errno;
    private final MemorySegment scratch;
    private final MemorySegment requestBuf;
    private final MemorySegment replyBuf;
    private final NlWriter writer;
    private final NlCursor cursor = new NlCursor();
    private final NlAttrs ackTlvs = new NlAttrs("netlink extended ack", 3, null, "NLMSGERR_ATTR_MSG",
            "NLMSGERR_ATTR_OFFS", "NLMSGERR_ATTR_COOKIE");
    private final int fd;
    private final int portId;
    private final String purpose;
    private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
    private int seq;
    private boolean closed;

    private NetlinkSocket(Arena arena, MemorySegment errno, int fd, int portId, String purpose) {
        this.arena = arena;
        this.errno = errno;
        this.fd = fd;
        this.portId = portId;
        this.purpose = purpose;
        this.scratch = arena.allocate(64, 8);
        this.requestBuf = arena.allocate(REQUEST_BUFFER, 8);
        this.replyBuf = arena.allocate(REPLY_BUFFER, 8);
        this.writer = new NlWriter(requestBuf);
        this.seq = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE / 2);
    }

    /**
     * Opens and binds a netlink socket of {@code protocol} (e.g. {@link Nl#NETLINK_NETFILTER}); the
     * kernel assigns the port id. Extended acks and capped acks are switched on where the kernel
     * supports them; a default receive timeout keeps every receive bounded.
     *
     * @param purpose names the socket in error messages ("nfqueue 0", "conntrack")
     */
    public static NetlinkSocket open(int protocol, String purpose) throws NetlinkException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment errno = Libc.newErrnoBox(arena);
            int fd = Libc.socket(errno, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new NetlinkException("opening netlink socket for " + purpose, Libc.errno(errno),
                        Libc.errno(errno) == Errno.EPERM.number() ? "run as root or with CAP_NET_ADMIN" : null);
            }
            MemorySegment addr = arena.allocate(SOCKADDR_NL_LEN, 4);
            Nl.putHostU16(addr, 0, Libc.AF_NETLINK);
            if (Libc.bind(errno, fd, addr, SOCKADDR_NL_LEN) < 0) {
                int e = Libc.errno(errno);
                Libc.close(errno, fd);
                throw new NetlinkException("binding netlink socket for " + purpose, e, null);
            }
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_NL_LEN);
            if (Libc.getsockname(errno, fd, addr, len) < 0) {
                int e = Libc.errno(errno);
                Libc.close(errno, fd);
                throw new NetlinkException("reading the port id of the netlink socket for " + purpose, e, null);
            }
            NetlinkSocket s = new NetlinkSocket(arena, errno, fd, Nl.hostU32(addr, 4), purpose);
            s.setOptionalFlag(Libc.NETLINK_EXT_ACK);
            s.setOptionalFlag(Libc.NETLINK_CAP_ACK);
            s.setReceiveTimeout(DEFAULT_RECEIVE_TIMEOUT);
            return s;
        } catch (NetlinkException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /** The netlink port id the kernel assigned (nl_pid). */
    public int portId() {
        return portId;
    }

    /** Arena that lives as long as the socket; callers may allocate their buffers from it. */
    public Arena arena() {
        return arena;
    }

    /** The captured-errno box of this socket, for callers issuing their own calls on {@link #fd()}. */
    public MemorySegment errnoBox() {
        return errno;
    }

    public String purpose() {
        return purpose;
    }

    /** Next request sequence number; never 0, which kernel-originated messages use. */
    public int nextSequence() {
        seq = seq == Integer.MAX_VALUE ? 1 : seq + 1;
        return seq;
    }

    /** The request writer, reset and positioned at the start of the request buffer. */
    public NlWriter requestWriter() {
        return writer.reset();
    }

    public void setReplyTimeout(Duration timeout) {
        this.replyTimeout = timeout;
    }

    public void setIntOption(int level, int name, int value, String step) throws NetlinkException {
        scratch.set(ValueLayout.JAVA_INT, 0, value);
        if (Libc.setsockopt(errno, fd, level, name, scratch, 4) < 0) {
            throw new NetlinkException(step, Libc.errno(errno), null);
        }
    }

    public int getIntOption(int level, int name, String step) throws NetlinkException {
        scratch.set(ValueLayout.JAVA_INT, 8, 4);
        if (Libc.getsockopt(errno, fd, level, name, scratch, scratch.asSlice(8, 4)) < 0) {
            throw new NetlinkException(step, Libc.errno(errno), null);
        }
        return scratch.get(ValueLayout.JAVA_INT, 0);
    }

    private void setOptionalFlag(int option) {
        scratch.set(ValueLayout.JAVA_INT, 0, 1);
        Libc.setsockopt(errno, fd, Libc.SOL_NETLINK, option, scratch, 4);
    }

    /**
     * Sets the receive buffer with {@code SO_RCVBUFFORCE} (ignores {@code net.core.rmem_max}; needs
     * CAP_NET_ADMIN), falling back to {@code SO_RCVBUF}. Returns what the kernel granted (it
     * doubles the request for bookkeeping, socket(7)).
     */
    public int setReceiveBuffer(int bytes) throws NetlinkException {
        scratch.set(ValueLayout.JAVA_INT, 0, bytes);
        if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, scratch, 4) < 0) {
            setIntOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes,
                    "setting SO_RCVBUF " + bytes + " on the netlink socket for " + purpose);
        }
        return getIntOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, "reading SO_RCVBUF of " + purpose);
    }

    /** NETLINK_NO_ENOBUFS: do not report receive-buffer overruns as ENOBUFS (netlink(7)). */
    public void setNoEnobufs(boolean on) throws NetlinkException {
        setIntOption(Libc.SOL_NETLINK, Libc.NETLINK_NO_ENOBUFS, on ? 1 : 0,
                "setting NETLINK_NO_ENOBUFS on the netlink socket for " + purpose);
    }

    /** Joins multicast group {@code group} (NETLINK_ADD_MEMBERSHIP, e.g. NFNLGRP_CONNTRACK_DESTROY). */
    public void addMembership(int group) throws NetlinkException {
        setIntOption(Libc.SOL_NETLINK, Libc.NETLINK_ADD_MEMBERSHIP, group,
                "joining netlink group " + group + " for " + purpose);
    }

    /** SO_RCVTIMEO: bounds every blocking receive so loops can notice a stop request. */
    public void setReceiveTimeout(Duration timeout) throws NetlinkException {
        long micros = Math.max(1, timeout.toNanos() / 1000);
        scratch.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
        scratch.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
        if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, scratch, 16) < 0) {
            throw new NetlinkException("setting SO_RCVTIMEO on the netlink socket for " + purpose,
                    Libc.errno(errno), null);
        }
    }

    /** Sends {@code len} bytes of {@code buf} to the kernel (port 0) in one datagram. */
    public void send(MemorySegment buf, long len, String step) throws NetlinkException {
        long n;
        do {
            n = Libc.sendto(errno, fd, buf, len, 0, MemorySegment.NULL, 0);
        } while (n < 0 && Libc.errno(errno) == Errno.EINTR.number());
        if (n < 0) {
            throw new NetlinkException(step, Libc.errno(errno), null);
        }
        if (n != len) {
            throw new NetlinkException(step, "sent " + n + " of " + len + " bytes");
        }
    }

    /**
     * Receives one datagram into {@code buf}.
     *
     * @return its length, or -1 when the receive timeout expired or a signal interrupted it
     * @throws NetlinkException on any other error (ENOBUFS: the kernel dropped messages for this
     *                          socket) or when the datagram did not fit {@code buf}
     */
    public long receive(MemorySegment buf, String step) throws NetlinkException {
        long n = Libc.recv(errno, fd, buf, buf.byteSize(), Libc.MSG_TRUNC);
        if (n < 0) {
            int e = Libc.errno(errno);
            if (e == Errno.EAGAIN.number() || e == Errno.EINTR.number()) {
                return -1;
            }
            throw new NetlinkException(step, e, null);
        }
        if (n > buf.byteSize()) {
            throw new NetlinkException(step, "a " + n + "-byte datagram did not fit the "
                    + buf.byteSize() + "-byte receive buffer");
        }
        return n;
    }

    /** Sends the message(s) in {@link #requestWriter()} and waits as described in the class comment. */
    public void transact(String step, boolean dump, Handler replies, Handler unsolicited) throws NetlinkException {
        MemorySegment req = writer.segment();
        long len = writer.position();
        if (len < Nl.NLMSG_HDRLEN) {
            throw new IllegalStateException("no request written for " + step);
        }
        int expected = Nl.hostU32(req, 8);
        send(req, len, step);
        long deadline = System.nanoTime() + replyTimeout.toNanos();
        while (true) {
            long n = receive(replyBuf, step);
            if (n < 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new NetlinkException(step, "no answer from the kernel within " + replyTimeout.toMillis() + " ms");
                }
                continue;
            }
            cursor.reset(replyBuf, 0, n);
            try {
                while (cursor.next()) {
                    if (cursor.seq() != expected || cursor.type() == Nl.NLMSG_NOOP) {
                        if (unsolicited != null) {
                            unsolicited.onMessage(cursor);
                        }
                        continue;
                    }
                    if (cursor.type() == Nl.NLMSG_ERROR) {
                        int error = ackError(cursor);
                        if (error != 0) {
                            throw new NetlinkException(step, error, extAckMessage(cursor));
                        }
                        if (!dump) {
                            return;
                        }
                        continue;
                    }
                    if (cursor.type() == Nl.NLMSG_DONE) {
                        if (cursor.payloadLength() >= 4) {
                            int error = Nl.hostU32(replyBuf, cursor.payloadOffset());
                            if (error != 0) {
                                throw new NetlinkException(step, error, extAckMessage(cursor));
                            }
                        }
                        return;
                    }
                    if ((cursor.flags() & Nl.NLM_F_DUMP_INTR) != 0) {
                        throw new NetlinkException(step, Errno.EINTR.number(),
                                "dump interrupted by concurrent changes (NLM_F_DUMP_INTR); retry");
                    }
                    replies.onMessage(cursor);
                }
            } catch (NlDecodeException e) {
                throw new NetlinkException(step, "malformed reply: " + e.getMessage());
            }
        }
    }

    private static int ackError(NlCursor c) throws NlDecodeException {
        if (c.payloadLength() < 4) {
            throw new NlDecodeException("NLMSG_ERROR of " + c.length() + " bytes has no error code");
        }
        return Nl.hostU32(c.buffer(), c.payloadOffset());
    }

    /** The NLMSGERR_ATTR_MSG text of an extended ack, or null. */
    private String extAckMessage(NlCursor c) {
        if ((c.flags() & Nl.NLM_F_ACK_TLVS) == 0 || c.payloadLength() < 4 + Nl.NLMSG_HDRLEN) {
            return null;
        }
        MemorySegment b = c.buffer();
        long echoed = c.payloadOffset() + 4;
        long echoedLen = (c.flags() & Nl.NLM_F_CAPPED) != 0 ? Nl.NLMSG_HDRLEN
                : Integer.toUnsignedLong(Nl.hostU32(b, echoed));
        long tlvStart = echoed + Nl.align(echoedLen);
        if (tlvStart > c.messageEnd()) {
            return null;
        }
        try {
            ackTlvs.parse(b, tlvStart, c.messageEnd());
            return ackTlvs.has(Nl.NLMSGERR_ATTR_MSG) ? ackTlvs.string(Nl.NLMSGERR_ATTR_MSG) : null;
        } catch (NlDecodeException e) {
            return null;
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(errno, fd);
        arena.close();
    }
}
