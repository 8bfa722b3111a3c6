package dev.microseg.model.compile;

import dev.microseg.model.net.AddressRange;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortRange;
import dev.microseg.model.policy.Protocol;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One rule of a workload's data-plane policy, the fields of a {@code ctrl_cfg_policy} rule:
 * {@code id}, {@code sip}..{@code sipr} ({@link #src}), {@code dip}..{@code dipr} ({@link #dst}),
 * {@code port}..{@code portr}, {@code proto}, {@code action}, {@code ingress}, {@code apps}.
 *
 * <p>Both address ranges are of one family. The data plane walks a workload's rules in the
 * {@link #ORDER} the compiler emits them and the first match decides, which is how "the lower
 * rule id wins" reaches the packet.
 *
 * @param id        the policy rule's id (several data-plane rules share one)
 * @param src       source addresses
 * @param dst       destination addresses
 * @param portFirst first destination port (0 with {@code portLast} 65535 for every port)
 * @param portLast  last destination port
 * @param proto     IANA protocol number: 0 any, 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6
 * @param action    allow, deny or violate
 * @param ingress   true when the workload is the destination (its {@code to} side)
 * @param apps      applications the rule is limited to, empty for any application
 */
public record DpRule(long id, AddressRange src, AddressRange dst, int portFirst, int portLast, int proto,
                     DpAction action, boolean ingress, List<DpApp> apps) implements Comparable<DpRule> {

    /** Rule id, then egress before ingress, then source, destination, protocol and ports. */
    public static final Comparator<DpRule> ORDER = Comparator.comparingLong(DpRule::id)
            .thenComparing(DpRule::ingress)
            .thenComparing(DpRule::src)
            .thenComparing(DpRule::dst)
            .thenComparingInt(DpRule::proto)
            .thenComparingInt(DpRule::portFirst)
            .thenComparingInt(DpRule::portLast);

    public DpRule {
        if (id < 1 || id > PolicyRule.MAX_ID) {
            throw new IllegalArgumentException("rule id out of range: " + id);
        }
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (src.isIpv6() != dst.isIpv6()) {
            throw new IllegalArgumentException("rule " + id + " pairs IPv4 with IPv6: " + src + " -> " + dst);
        }
        if (portFirst < 0 || portLast > PortRange.MAX_PORT || portFirst > portLast) {
            throw new IllegalArgumentException("rule " + id + " has a bad port range " + portFirst + "-" + portLast);
        }
        Protocol p = Protocol.fromNumber(proto);
        if (p == null) {
            throw new IllegalArgumentException("rule " + id + " has protocol " + proto + "; expected 0, 1, 6, 17 or 58");
        }
        if ((p == Protocol.ICMP && src.isIpv6()) || (p == Protocol.ICMPV6 && !src.isIpv6())) {
            throw new IllegalArgumentException("rule " + id + " applies " + p.token() + " to the wrong address family");
        }
        Objects.requireNonNull(action, "action");
        apps = List.copyOf(apps);
    }

    @Override
    public int compareTo(DpRule o) {
        return ORDER.compare(this, o);
    }

    /** Compact, stable text for logs and test failures: {@code 7 egress 10.0.0.1 -> 10.0.1.0-10.0.1.9 tcp/80 allow}. */
    @Override
    public String toString() {
        Protocol p = Protocol.fromNumber(proto);
        String ports = portFirst == 0 && portLast == PortRange.MAX_PORT ? "" : "/" + (portFirst == portLast ? portFirst : portFirst + "-" + portLast);
        return id + (ingress ? " ingress " : " egress ") + src + " -> " + dst + " " + p.token() + ports + " "
                + action.name().toLowerCase(Locale.ROOT) + (apps.isEmpty() ? "" : " apps " + apps);
    }
}
