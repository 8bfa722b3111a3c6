package dev.microseg.dp.protocol;

/** IP protocol of a policy rule: {@code proto} (IANA protocol numbers; 0 matches any). */
public enum IpProto {
    /** Any protocol. */
    ANY(0),
    /** ICMP (RFC 792). */
    ICMP(1),
    /** TCP (RFC 9293). */
    TCP(6),
    /** UDP (RFC 768). */
    UDP(17),
    /** ICMPv6 (RFC 4443). */
    ICMPV6(58);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final IpProto[] VALUES = values();

    private final int code;

    IpProto(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} if there is none. */
    public static IpProto fromCode(long code) {
        for (IpProto v : VALUES) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }

    /** The wire values, for error messages. */
    public static String codes() {
        StringBuilder b = new StringBuilder();
        for (IpProto v : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(v.code).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
