package dev.microseg.dp.testing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One workload of a {@link RoutedTopology}: its namespace, its addresses (a /32 and a /128 on its
 * {@code eth0}) and the router-side end of its veth.
 *
 * @param index      1-based, as in ws1..wsN
 * @param netns      the workload's network namespace name
 * @param routerVeth the veth end in the router namespace (Calico's caliXXXX)
 * @param ipv4       10.65.0.INDEX
 * @param ipv6       fd65::INDEX
 */
public record Workload(int index, String netns, String routerVeth, Inet4Address ipv4, Inet6Address ipv6) {
    /** The workload's IPv4 or IPv6 address. */
    public InetAddress address(boolean v6) {
        return v6 ? ipv6 : ipv4;
    }
}
