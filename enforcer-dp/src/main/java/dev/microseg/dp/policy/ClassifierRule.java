package dev.microseg.dp.policy;

import java.util.List;

/**
 * One compiled data-plane rule of a workload endpoint, the classifier's own input (the lead maps
 * the control protocol's {@code ctrl_cfg_policy} rules to it: {@code id}, {@code sip}..{@code sipr},
 * {@code dip}..{@code dipr}, {@code port}..{@code portr}, {@code proto}, {@code action},
 * {@code ingress}, {@code apps}). Ranges are inclusive. {@code proto} 0 means any protocol. The
 * port range is matched against the destination port for TCP and UDP and against the ICMP type
 * for ICMP and ICMPv6 (so {@code 0..65535} means "any"); other protocols present port 0.
 */
public record ClassifierRule(int id, Addr srcLo, Addr srcHi, Addr dstLo, Addr dstHi, int portLo, int portHi, int proto,
                             Action action, boolean ingress, List<AppRule> apps) {
    public ClassifierRule {
        if (srcLo == null || srcHi == null || srcLo.compareTo(srcHi) > 0) {
            throw new IllegalArgumentException("rule " + id + ": sip..sipr must be an ascending range, was " + srcLo + ".." + srcHi);
        }
        if (dstLo == null || dstHi == null || dstLo.compareTo(dstHi) > 0) {
            throw new IllegalArgumentException("rule " + id + ": dip..dipr must be an ascending range, was " + dstLo + ".." + dstHi);
        }
        if (portLo < 0 || portHi > 0xffff || portLo > portHi) {
            throw new IllegalArgumentException("rule " + id + ": port..portr must be an ascending range in 0..65535, was "
                + portLo + ".." + portHi);
        }
        if (proto < 0 || proto > 255) {
            throw new IllegalArgumentException("rule " + id + ": proto must be 0 (any) or an IP protocol number, was " + proto);
        }
        if (action == null) {
            throw new IllegalArgumentException("rule " + id + ": action must be set");
        }
        apps = apps == null ? List.of() : List.copyOf(apps);
    }

    /** A rule without applications. */
    public static ClassifierRule of(int id, Addr srcLo, Addr srcHi, Addr dstLo, Addr dstHi, int portLo, int portHi, int proto,
                                    Action action, boolean ingress) {
        return new ClassifierRule(id, srcLo, srcHi, dstLo, dstHi, portLo, portHi, proto, action, ingress, List.of());
    }

    boolean matchesL4(int packetProto, int port) {
        return (proto == 0 || proto == packetProto) && port >= portLo && port <= portHi;
    }

    boolean matchesAddresses(long sHi, long sLo, long dHi, long dLo) {
        return Addr.within(sHi, sLo, srcLo, srcHi) && Addr.within(dHi, dLo, dstLo, dstHi);
    }
}
