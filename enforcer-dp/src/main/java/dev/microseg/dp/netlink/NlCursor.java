package dev.microseg.dp.netlink;

import java.lang.foreign.MemorySegment;

/**
 * Walks the netlink messages of one received datagram, checking every {@code nlmsg_len} against
 * the bytes actually received (a datagram may carry several messages, RFC 3549 section 2.3.2).
 * A flyweight: reset it per datagram, it allocates nothing.
 */
public final class NlCursor {
    private MemorySegment buf = MemorySegment.NULL;
    private long end;
    private long next;
    private long offset;
    private int length;
    private int type;
    private int flags;
    private int seq;
    private int pid;

    /** Points the cursor at {@code length} received bytes starting at {@code start} of {@code buf}. */
    public NlCursor reset(MemorySegment buf, long start, long length) {
        if (start < 0 || length < 0 || start + length > buf.byteSize()) {
            throw new IllegalArgumentException("range " + start + "+" + length + " outside a "
                    + buf.byteSize() + "-byte buffer");
        }
        this.buf = buf;
        this.next = start;
        this.end = start + length;
        this.offset = -1;
        return this;
    }

    /**
     * Advances to the next message.
     *
     * @return false when the datagram is exhausted
     * @throws NlDecodeException when a header is cut short or its length lies about the data
     */
    public boolean next() throws NlDecodeException {
        long remaining = end - next;
        if (remaining <= 0) {
            return false;
        }
        if (remaining < Nl.NLMSG_HDRLEN) {
            throw new NlDecodeException("netlink message at offset " + next + ": " + remaining
                    + " bytes left, a header needs " + Nl.NLMSG_HDRLEN);
        }
        int len = Nl.hostU32(buf, next);
        if (Integer.compareUnsigned(len, Nl.NLMSG_HDRLEN) < 0) {
            throw new NlDecodeException("netlink message at offset " + next + ": nlmsg_len "
                    + Integer.toUnsignedString(len) + " is smaller than its header (" + Nl.NLMSG_HDRLEN + ")");
        }
        if (Integer.toUnsignedLong(len) > remaining) {
            throw new NlDecodeException("netlink message at offset " + next + ": nlmsg_len "
                    + Integer.toUnsignedString(len) + " exceeds the " + remaining + " bytes received");
        }
        offset = next;
        length = len;
        type = Nl.hostU16(buf, next + 4);
        flags = Nl.hostU16(buf, next + 6);
        seq = Nl.hostU32(buf, next + 8);
        pid = Nl.hostU32(buf, next + 12);
        next = Math.min(end, next + Nl.align((long) len));
        return true;
    }

    public MemorySegment buffer() {
        return buf;
    }

    /** Offset of the current message's header in {@link #buffer()}. */
    public long offset() {
        return offset;
    }

    /** nlmsg_len of the current message, header included. */
    public int length() {
        return length;
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public int seq() {
        return seq;
    }

    public int pid() {
        return pid;
    }

    public long payloadOffset() {
        return offset + Nl.NLMSG_HDRLEN;
    }

    public int payloadLength() {
        return length - Nl.NLMSG_HDRLEN;
    }

    /** End (exclusive) of the current message in {@link #buffer()}. */
    public long messageEnd() {
        return offset + length;
    }
}
