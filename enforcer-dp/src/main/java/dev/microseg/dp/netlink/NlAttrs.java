package dev.microseg.dp.netlink;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An index of the netlink attributes (RFC 3549 section 2.3.2.1, {@code struct nlattr}) found in
 * one region, by type: like the kernel's {@code nla_parse}, the last attribute of a type wins
 * and types above {@code maxType} are skipped. Every length is checked against the region before
 * it is recorded, and typed getters check the attribute is long enough for what they read, so a
 * malformed message surfaces as an {@link NlDecodeException} naming the attribute, never as an
 * out-of-bounds access. Reusable: {@link #parse} resets it; it allocates nothing while parsing.
 */
public final class NlAttrs {
    private final String family;
    private final String[] names;
    private final long[] offsets;
    private final int[] lengths;
    private MemorySegment buf = MemorySegment.NULL;

    /**
     * @param family a name for error messages ("nfqueue packet", "conntrack tuple")
     * @param names  attribute names by type for error messages; may be shorter than maxType + 1
     */
    public NlAttrs(String family, int maxType, String... names) {
        this.family = family;
        this.names = names;
        this.offsets = new long[maxType + 1];
        this.lengths = new int[maxType + 1];
        Arrays.fill(offsets, -1);
    }

    /** Indexes the attributes in {@code [start, end)} of {@code buf}. */
    public NlAttrs parse(MemorySegment buf, long start, long end) throws NlDecodeException {
        this.buf = buf;
        Arrays.fill(offsets, -1);
        long pos = start;
        while (pos < end) {
            long remaining = end - pos;
            if (remaining < Nl.NLA_HDRLEN) {
                throw new NlDecodeException(family + ": " + remaining + " stray bytes at offset " + pos
                        + ", an attribute header needs " + Nl.NLA_HDRLEN);
            }
            int len = Nl.hostU16(buf, pos);
            int type = Nl.hostU16(buf, pos + 2) & Nl.NLA_TYPE_MASK;
            if (len < Nl.NLA_HDRLEN) {
                throw new NlDecodeException(family + ": attribute " + name(type) + " at offset " + pos
                        + ": nla_len " + len + " is smaller than its header (" + Nl.NLA_HDRLEN + ")");
            }
            if (len > remaining) {
                throw new NlDecodeException(family + ": attribute " + name(type) + " at offset " + pos
                        + ": nla_len " + len + " exceeds the " + remaining + " bytes left");
            }
            if (type < offsets.length) {
                offsets[type] = pos + Nl.NLA_HDRLEN;
                lengths[type] = len - Nl.NLA_HDRLEN;
            }
            pos += Nl.align(len);
        }
        return this;
    }

    public boolean has(int type) {
        return type < offsets.length && offsets[type] >= 0;
    }

    /** Offset of the attribute's payload in the parsed buffer, or -1 when absent. */
    public long offset(int type) {
        return type < offsets.length ? offsets[type] : -1;
    }

    /** Payload length of the attribute (header excluded); 0 when absent. */
    public int length(int type) {
        return has(type) ? lengths[type] : 0;
    }

    public MemorySegment buffer() {
        return buf;
    }

    /** Checks a present attribute holds at least {@code min} bytes; returns its payload offset. */
    public long require(int type, int min) throws NlDecodeException {
        if (!has(type)) {
            throw new NlDecodeException(family + ": attribute " + name(type) + " is missing");
        }
        if (lengths[type] < min) {
            throw new NlDecodeException(family + ": attribute " + name(type) + " has " + lengths[type]
                    + " bytes, needs " + min);
        }
        return offsets[type];
    }

    public int u8(int type) throws NlDecodeException {
        return Nl.u8(buf, require(type, 1));
    }

    public int be16(int type) throws NlDecodeException {
        return Nl.be16(buf, require(type, 2));
    }

    public int be32(int type) throws NlDecodeException {
        return Nl.be32(buf, require(type, 4));
    }

    public long be64(int type) throws NlDecodeException {
        return Nl.be64(buf, require(type, 8));
    }

    /** A present attribute's be32, or {@code absent} when the attribute is not there. */
    public int be32Or(int type, int absent) throws NlDecodeException {
        return has(type) ? be32(type) : absent;
    }

    public byte[] bytes(int type) throws NlDecodeException {
        long off = require(type, 0);
        return buf.asSlice(off, lengths[type]).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** A NUL-terminated (or unterminated) string attribute. */
    public String string(int type) throws NlDecodeException {
        byte[] b = bytes(type);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Parses the payload of nested attribute {@code type} into {@code into}. */
    public NlAttrs nested(int type, NlAttrs into) throws NlDecodeException {
        long off = require(type, 0);
        return into.parse(buf, off, off + lengths[type]);
    }

    public String name(int type) {
        return type < names.length && names[type] != null ? names[type] + " (" + type + ")" : "type " + type;
    }
}
