package dev.microseg.dp.intercept;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

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

    /** "10.0.0.1/32" or "fd00::1/128" (scope id dropped). */
    String host(InetAddress a) {
        String s = a.getHostAddress();
        int scope = s.indexOf('%');
        return (scope >= 0 ? s.substring(0, scope) : s) + "/" + hostPrefix;
    }

    boolean accepts(InetAddress a) {
        return this == IPV6 ? a instanceof Inet6Address : a instanceof Inet4Address;
    }
}
