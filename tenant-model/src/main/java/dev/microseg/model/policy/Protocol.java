package dev.microseg.model.policy;

/**
 * L4 protocols a rule can name. The numbers are IANA protocol numbers, the values the data
 * plane's {@code proto} field carries (0 = any).
 */
public enum Protocol {
    ANY(0, "any"),
    ICMP(1, "icmp"),
    TCP(6, "tcp"),
    UDP(17, "udp"),
    ICMPV6(58, "icmpv6");

    private final int number;
    private final String token;

    Protocol(int number, String token) {
        this.number = number;
        this.token = token;
    }

    /** IANA protocol number (0 for any). */
    public int number() {
        return number;
    }

    /** The lower-case word used in port specs. */
    public String token() {
        return token;
    }

    /** Whether the protocol has ports (TCP and UDP). */
    public boolean hasPorts() {
        return this == TCP || this == UDP;
    }

    /** The protocol for a port-spec word, or null. */
    public static Protocol fromToken(String token) {
        for (Protocol p : values()) {
            if (p.token.equalsIgnoreCase(token)) {
                return p;
            }
        }
        return null;
    }

    /** The protocol for an IANA number, or null if rules cannot name it. */
    public static Protocol fromNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        return null;
    }
}
