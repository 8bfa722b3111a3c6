package dev.microseg.dp.packet;

/** ICMP (RFC 792) and ICMPv6 (RFC 4443) message types the data plane distinguishes. */
public final class IcmpTypes {
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;
    public static final int V4_TIMESTAMP = 13;
    public static final int V4_TIMESTAMP_REPLY = 14;
    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    private IcmpTypes() {
    }

    /** Error messages quote the offending datagram (RFC 792; RFC 4443 §2.1: types 0-127). */
    public static boolean isError(boolean v6, int type) {
        if (v6) {
            return type < 128;
        }
        return type == V4_DEST_UNREACHABLE || type == V4_SOURCE_QUENCH || type == V4_REDIRECT
            || type == V4_TIME_EXCEEDED || type == V4_PARAMETER_PROBLEM;
    }

    /** Query messages with an identifier and sequence number in bytes 4-7. */
    public static boolean hasIdentifier(boolean v6, int type) {
        if (v6) {
            return type == V6_ECHO_REQUEST || type == V6_ECHO_REPLY;
        }
        return type == V4_ECHO_REPLY || type == V4_ECHO_REQUEST || type == V4_TIMESTAMP || type == V4_TIMESTAMP_REPLY;
    }

    /** Whether the type is a request that opens an exchange (the reply comes the other way). */
    public static boolean isRequest(boolean v6, int type) {
        return v6 ? type == V6_ECHO_REQUEST : type == V4_ECHO_REQUEST || type == V4_TIMESTAMP;
    }
}
