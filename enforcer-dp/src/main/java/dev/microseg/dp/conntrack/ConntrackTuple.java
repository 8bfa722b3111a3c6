package dev.microseg.dp.conntrack;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One direction of a connection as conntrack keys it: addresses, layer-4 protocol and the
 * protocol's identifiers (ports, or ICMP id/type/code). Both addresses are of one family.
 */
public record ConntrackTuple(InetAddress source, InetAddress destination, int protocol, L4 l4) {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = Ct.IPPROTO_ICMP;
    public static final int ICMPV6 = Ct.IPPROTO_ICMPV6;

    /** The layer-4 identifiers of a tuple. */
    public sealed interface L4 permits Ports, Icmp, NoL4 {
    }

    /** TCP, UDP, SCTP, DCCP, UDPLITE: 0..65535 each. */
    public record Ports(int source, int destination) implements L4 {
        public Ports {
            if (source < 0 || source > 0xffff || destination < 0 || destination > 0xffff) {
                throw new IllegalArgumentException("ports " + source + " -> " + destination + " outside 0..65535");
            }
        }
    }

    /** ICMP or ICMPv6: echo id, type and code. */
    public record Icmp(int id, int type, int code) implements L4 {
        public Icmp {
            if (id < 0 || id > 0xffff || type < 0 || type > 0xff || code < 0 || code > 0xff) {
                throw new IllegalArgumentException("icmp id " + id + " type " + type + " code " + code + " out of range");
            }
        }
    }

    /** Protocols conntrack tracks by addresses only (GRE without helper, generic). */
    public record NoL4() implements L4 {
    }

    public ConntrackTuple {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(l4, "l4");
        if (source.getClass() != destination.getClass()) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " and destination "
                    + destination.getHostAddress() + " are of different address families");
        }
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("protocol " + protocol + " outside 0..255");
        }
    }

    public static ConntrackTuple tcp(InetAddress src, int srcPort, InetAddress dst, int dstPort) {
        return new ConntrackTuple(src, dst, TCP, new Ports(srcPort, dstPort));
    }

    public static ConntrackTuple udp(InetAddress src, int srcPort, InetAddress dst, int dstPort) {
        return new ConntrackTuple(src, dst, UDP, new Ports(srcPort, dstPort));
    }

    /** An ICMP echo request tuple (type 8, or 128 for ICMPv6). */
    public static ConntrackTuple icmpEcho(InetAddress src, InetAddress dst, int id) {
        boolean v6 = src instanceof Inet6Address;
        return new ConntrackTuple(src, dst, v6 ? ICMPV6 : ICMP, new Icmp(id, v6 ? 128 : 8, 0));
    }

    public boolean isIpv6() {
        return source instanceof Inet6Address;
    }

    /** AF_INET or AF_INET6, for nfgenmsg. */
    public int family() {
        return source instanceof Inet4Address ? 2 : 10;
    }

    @Override
    public String toString() {
        String p = switch (protocol) {
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMP -> "icmp";
            case ICMPV6 -> "icmpv6";
            default -> "proto " + protocol;
        };
        return switch (l4) {
            case Ports ports -> p + " " + host(source) + ":" + ports.source() + " -> " + host(destination) + ":"
                    + ports.destination();
            case Icmp i -> p + " " + host(source) + " -> " + host(destination) + " id " + i.id() + " type " + i.type()
                    + " code " + i.code();
            case NoL4 n -> p + " " + host(source) + " -> " + host(destination);
        };
    }

    private static String host(InetAddress a) {
        return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    }
}
