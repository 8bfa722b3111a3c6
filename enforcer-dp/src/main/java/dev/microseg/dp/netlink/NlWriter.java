package dev.microseg.dp.netlink;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

/**
 * Writes netlink messages (header, nfgenmsg, attributes, nested attributes) into a caller-owned
 * segment; several messages may follow each other in one buffer to go out in a single
 * {@code sendto}. Padding is zeroed so encodings are byte-for-byte reproducible. Running out of
 * room is a programming error (buffers are sized for the largest message a caller builds) and
 * throws {@link IllegalStateException}.
 */
public final class NlWriter {
    private static final int MAX_NESTING = 8;

    private final MemorySegment buf;
    private final long[] nests = new long[MAX_NESTING];
    private int depth;
    private long pos;
    private long message = -1;

    public NlWriter(MemorySegment buf) {
        this.buf = buf;
    }

    public NlWriter reset() {
        pos = 0;
        depth = 0;
        message = -1;
        return this;
    }

    public MemorySegment segment() {
        return buf;
    }

    /** Bytes written so far (all complete messages). */
    public long position() {
        return pos;
    }

    public long remaining() {
        return buf.byteSize() - pos;
    }

    public NlWriter beginMessage(int type, int flags, int seq) {
        if (message >= 0) {
            throw new IllegalStateException("netlink message at offset " + message + " not ended");
        }
        ensure(Nl.NLMSG_HDRLEN);
        message = pos;
        Nl.putHostU32(buf, pos, 0);
        Nl.putHostU16(buf, pos + 4, type);
        Nl.putHostU16(buf, pos + 6, flags);
        Nl.putHostU32(buf, pos + 8, seq);
        Nl.putHostU32(buf, pos + 12, 0);
        pos += Nl.NLMSG_HDRLEN;
        return this;
    }

    /** struct nfgenmsg: family, NFNETLINK_V0, res_id in network order. */
    public NlWriter nfgenmsg(int family, int resId) {
        ensure(Nl.NFGENMSG_LEN);
        Nl.putU8(buf, pos, family);
        Nl.putU8(buf, pos + 1, Nl.NFNETLINK_V0);
        Nl.putBe16(buf, pos + 2, resId);
        pos += Nl.NFGENMSG_LEN;
        return this;
    }

    /**
     * Starts an attribute of {@code payloadLen} bytes and returns the payload's offset for the
     * caller to fill (packed structs such as {@code nfqnl_msg_config_params}); padding is zeroed.
     */
    public long attr(int type, int payloadLen) {
        int total = Nl.NLA_HDRLEN + payloadLen;
        int padded = Nl.align(total);
        ensure(padded);
        Nl.putHostU16(buf, pos, total);
        Nl.putHostU16(buf, pos + 2, type);
        long payload = pos + Nl.NLA_HDRLEN;
        buf.asSlice(payload, padded - Nl.NLA_HDRLEN).fill((byte) 0);
        pos += padded;
        return payload;
    }

    public NlWriter u8(int type, int v) {
        Nl.putU8(buf, attr(type, 1), v);
        return this;
    }

    public NlWriter be16(int type, int v) {
        Nl.putBe16(buf, attr(type, 2), v);
        return this;
    }

    public NlWriter be32(int type, int v) {
        Nl.putBe32(buf, attr(type, 4), v);
        return this;
    }

    public NlWriter be64(int type, long v) {
        Nl.putBe64(buf, attr(type, 8), v);
        return this;
    }

    public NlWriter bytes(int type, byte[] v) {
        MemorySegment.copy(MemorySegment.ofArray(v), 0, buf, attr(type, v.length), v.length);
        return this;
    }

    public NlWriter address(int type, InetAddress a) {
        return bytes(type, a.getAddress());
    }

    /** Opens a nested attribute (NLA_F_NESTED set, as libmnl does); close it with {@link #endNested}. */
    public NlWriter beginNested(int type) {
        if (depth == MAX_NESTING) {
            throw new IllegalStateException("netlink attributes nested deeper than " + MAX_NESTING);
        }
        ensure(Nl.NLA_HDRLEN);
        nests[depth++] = pos;
        Nl.putHostU16(buf, pos + 2, type | Nl.NLA_F_NESTED);
        pos += Nl.NLA_HDRLEN;
        return this;
    }

    public NlWriter endNested() {
        if (depth == 0) {
            throw new IllegalStateException("endNested without beginNested");
        }
        long start = nests[--depth];
        Nl.putHostU16(buf, start, (int) (pos - start));
        return this;
    }

    /** Finishes the current message: writes nlmsg_len; returns it. */
    public int endMessage() {
        if (message < 0 || depth != 0) {
            throw new IllegalStateException("endMessage with no open message or open nests");
        }
        int len = (int) (pos - message);
        Nl.putHostU32(buf, message, len);
        message = -1;
        return len;
    }

    private void ensure(long n) {
        if (pos + n > buf.byteSize()) {
            throw new IllegalStateException("netlink send buffer of " + buf.byteSize()
                    + " bytes cannot take " + n + " more bytes at offset " + pos);
        }
    }
}
