package dev.microseg.dp.intercept;

import dev.microseg.dp.protocol.IpAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** The two iptables front ends and what differs between them. */
public enum IpFamily {
    IPV4("iptables", 32),
    IPV6("ip6tables", 128);

    private final String command;
    private final int hostPrefix;

    IpFamily(String command, int hostPrefix) {
        this.command = command;
        this.hostPrefix = hostPrefix;
    }

    /** "iptables" or "ip6tables". */
    public String command() {
        return command;
    }

    public String restoreCommand() {
        return command + "-restore";
    }

    public String saveCommand() {
        return command + "-save";
    }

    public static IpFamily of(InetAddress a) {
        return a instanceof Inet6Address ? IPV6 : IPV4;
    }

    /** "10.0.0.1/32" or "fd00::1/128": IPv6 in RFC 5952 form, as iptables-save prints it; no scope id. */
    String host(InetAddress a) {
        return (a instanceof Inet6Address ? rfc5952(a.getAddress()) : a.getHostAddress()) + "/" + hostPrefix;
    }

    /** RFC 5952 text of an IPv6 address: the protocol's {@link IpAddress} formatter, the one text form the dp writes. */
    static String rfc5952(byte[] b) {
        return IpAddress.v6(ByteBuffer.wrap(b, 0, 8).getLong(), ByteBuffer.wrap(b, 8, 8).getLong()).toString();
    }

    boolean accepts(InetAddress a) {
        return this == IPV6 ? a instanceof Inet6Address : a instanceof Inet4Address;
    }
}
