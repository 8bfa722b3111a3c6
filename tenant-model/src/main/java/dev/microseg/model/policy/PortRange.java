package dev.microseg.model.policy;

import java.util.Objects;

/**
 * One protocol with an inclusive destination port range. Protocols without ports (ICMP, ICMPv6,
 * any) always span {@code 0..65535}, which the data plane reads as "every port".
 */
public record PortRange(Protocol protocol, int first, int last) implements Comparable<PortRange> {
    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;

    public PortRange {
        Objects.requireNonNull(protocol, "protocol");
        if (!protocol.hasPorts()) {
            if (first != 0 || last != MAX_PORT) {
                throw new IllegalArgumentException(protocol.token() + " has no ports");
            }
        } else if (first < 0 || last > MAX_PORT || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
    }

    /** Every port of a protocol (for protocols without ports, the protocol itself). */
    public static PortRange all(Protocol protocol) {
        return new PortRange(protocol, 0, MAX_PORT);
    }

    public boolean isAllPorts() {
        return first == 0 && last == MAX_PORT;
    }

    /** Whether a packet of {@code proto} to {@code port} falls in this range. */
    public boolean matches(Protocol proto, int port) {
        if (protocol == Protocol.ANY) {
            return true;
        }
        return protocol == proto && (!protocol.hasPorts() || (port >= first && port <= last));
    }

    @Override
    public int compareTo(PortRange o) {
        int c = protocol.compareTo(o.protocol);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(first, o.first);
        return c != 0 ? c : Integer.compare(last, o.last);
    }

    /** Canonical spec form: {@code tcp/80}, {@code tcp/8000-8080}, {@code tcp}, {@code icmp}, {@code any}. */
    @Override
    public String toString() {
        if (!protocol.hasPorts() || isAllPorts()) {
            return protocol.token();
        }
        return protocol.token() + "/" + (first == last ? Integer.toString(first) : first + "-" + last);
    }
}
