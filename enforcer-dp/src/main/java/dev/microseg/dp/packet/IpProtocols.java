package dev.microseg.dp.packet;

/** IANA "Assigned Internet Protocol Numbers" used by the decoder. */
public final class IpProtocols {
    public static final int HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6 Routing header, RFC 8200 §4.4. */
    public static final int ROUTING = 43;
    /** IPv6 Fragment header, RFC 8200 §4.5. */
    public static final int FRAGMENT = 44;
    /** Encapsulating Security Payload, RFC 4303: what follows is encrypted. */
    public static final int ESP = 50;
    /** Authentication Header, RFC 4302. */
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    /** IPv6 No Next Header, RFC 8200 §4.7. */
    public static final int NO_NEXT_HEADER = 59;
    /** IPv6 Destination Options, RFC 8200 §4.6. */
    public static final int DEST_OPTIONS = 60;
    /** Mobility header, RFC 6275 §6.1 (an extension header with the common layout). */
    public static final int MOBILITY = 135;

    private IpProtocols() {
    }
}
