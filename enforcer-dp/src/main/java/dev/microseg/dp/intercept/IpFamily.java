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

    /** "10.0.0.1/32" or "fd00::1/128": IPv6 in RFC 5952 form, as iptables-save prints it; no scope id. */
    String host(InetAddress a) {
        return (a instanceof Inet6Address ? rfc5952(a.getAddress()) : a.getHostAddress()) + "/" + hostPrefix;
    }

    /** Lower-case hex groups with the longest run of two or more zero groups written "::" (RFC 5952). */
    static String rfc5952(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    boolean accepts(InetAddress a) {
        return this == IPV6 ? a instanceof Inet6Address : a instanceof Inet4Address;
    }
}
