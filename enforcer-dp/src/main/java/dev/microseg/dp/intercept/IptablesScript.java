package dev.microseg.dp.intercept;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes the {@code iptables-restore --noflush} input for the dp's rules: pure text, so the
 * exact rules are unit-tested and applied atomically (one transaction per family).
 *
 * <p>The main chain, entered first from FORWARD, INPUT and OUTPUT of the filter table:
 * <pre>
 *  1 ct mark ACCEPT and ctstatus CONFIRMED           -&gt; ACCEPT   offloaded connection
 *  2 ct mark DROP   and ctstatus CONFIRMED           -&gt; DROP     connection denied in the kernel
 *  3 packet mark ACCEPT -&gt; CONNMARK --save-mark (masked); 4 -&gt; ACCEPT   decision arriving (NF_REPEAT)
 *  5 packet mark DROP   -&gt; CONNMARK --save-mark (masked); 6 -&gt; DROP
 *  7 packet mark REJECT and TCP -&gt; REJECT --reject-with tcp-reset; 8 packet mark REJECT -&gt; DROP
 *  9 TCP RST in ctstate RELATED                      -&gt; RETURN   the reset rule 7 sends, never queued
 *  (IPv6 only) neighbour discovery, ICMPv6 133-137   -&gt; RETURN   never queued
 * 10 -&gt; PREFIX-WL: for each workload address, -s ADDR and -d ADDR -&gt; PREFIX-Q -&gt; NFQUEUE
 * </pre>
 * Rules 1-2 require CONFIRMED so the first packet of a connection always reaches the dp, even
 * when its ct mark was inherited (a RELATED connection created by a helper's expectation); after
 * that first packet every packet of a decided connection stays in the kernel, including one-way
 * UDP, whose packets stay in ctstate NEW until a reply but are CONFIRMED from the second on.
 * Everything not decided goes to the queue: first packets, and packets of connections the dp
 * accepted without a decision mark because it wants to see more of them.
 *
 * <p>Rules 3-4 also take the connections the kernel allow cache accepts: its nft base chain, which
 * runs before this one, sets the same ACCEPT packet mark ({@code dev.microseg.dp.kcache.NftAllowTable}).
 *
 * <p>Rule 9: the reset that REJECT sends carries the rejected packet's conntrack entry as RELATED,
 * and that entry is still unconfirmed (the rejected SYN never left), shared by two packets;
 * nfnetlink_queue drops such a packet instead of queueing it ({@code nf_ct_drop_unconfirmed}), so
 * the reset would never reach the client. A reset only ends a connection: it passes unqueued.
 */
final class IptablesScript {
    /** Chains the dp hooks from: forwarded traffic and the local paths. */
    static final List<String> HOOKED_CHAINS = List.of("FORWARD", "INPUT", "OUTPUT");
    /** ICMPv6 router solicitation/advertisement, neighbour solicitation/advertisement, redirect (RFC 4861). */
    static final int[] NDP_TYPES = {133, 134, 135, 136, 137};

    private IptablesScript() {
    }

    /** What of the dp's is in a table now, from {@code iptables-save -t filter}. */
    record Existing(List<String> chains, List<String> jumps) {
        boolean isEmpty() {
            return chains.isEmpty() && jumps.isEmpty();
        }
    }

    /**
     * The dp's chains (declared {@code :NAME}) and the rules in other chains that jump to them,
     * as their {@code -A} lines.
     */
    static Existing parse(String save, InterceptConfig c) {
        List<String> chains = new ArrayList<>();
        List<String> jumps = new ArrayList<>();
        boolean inFilter = false;
        for (String line : save.split("\n")) {
            String l = line.strip();
            if (l.startsWith("*")) {
                inFilter = l.equals("*filter");
            } else if (!inFilter) {
                continue;
            } else if (l.startsWith(":")) {
                String name = l.substring(1).split("\\s+")[0];
                if (c.owns(name)) {
                    chains.add(name);
                }
            } else if (l.startsWith("-A ")) {
                String[] words = l.split("\\s+");
                String target = null;
                for (int i = 2; i + 1 < words.length; i++) {
                    if (words[i].equals("-j") || words[i].equals("-g")) {
                        target = words[i + 1];
                    }
                }
                if (target != null && c.owns(target) && !c.owns(words[1])) {
                    jumps.add(l);
                }
            }
        }
        return new Existing(chains, jumps);
    }

    /**
     * One transaction that removes whatever an earlier run left ({@code existing}) and installs the
     * current rules with {@code workloads}: the chains never exist half-built.
     */
    static String install(InterceptConfig c, IpFamily f, Existing existing, Collection<InetAddress> workloads) {
        StringBuilder s = new StringBuilder("*filter\n");
        List<String> ours = List.of(c.chainPrefix(), c.workloadChain(), c.queueChain());
        for (String chain : ours) {
            s.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String chain : existing.chains()) {
            if (!ours.contains(chain)) {
                s.append(':').append(chain).append(" - [0:0]\n");
            }
        }
        for (String jump : existing.jumps()) {
            s.append("-D").append(jump.substring(2)).append('\n');
        }
        for (String chain : existing.chains()) {
            if (!ours.contains(chain)) {
                s.append("-X ").append(chain).append('\n');
            }
        }
        mainChain(s, c, f);
        s.append("-A ").append(c.queueChain()).append(" -j NFQUEUE ").append(queueTarget(c)).append('\n');
        workloadRules(s, c, f, workloads);
        for (String hook : HOOKED_CHAINS) {
            s.append("-I ").append(hook).append(" 1 -j ").append(c.chainPrefix()).append('\n');
        }
        return s.append("COMMIT\n").toString();
    }

    private static void mainChain(StringBuilder s, InterceptConfig c, IpFamily f) {
        MarkBits m = c.marks();
        String p = "-A " + c.chainPrefix() + " ";
        String save = " -j CONNMARK --save-mark --nfmask 0x" + Integer.toHexString(m.mask()) + " --ctmask 0x"
                + Integer.toHexString(m.mask());
        s.append(p).append("-m connmark --mark ").append(m.match(m.accept()))
                .append(" -m conntrack --ctstatus CONFIRMED -j ACCEPT\n");
        s.append(p).append("-m connmark --mark ").append(m.match(m.drop()))
                .append(" -m conntrack --ctstatus CONFIRMED -j DROP\n");
        s.append(p).append("-m mark --mark ").append(m.match(m.accept())).append(save).append('\n');
        s.append(p).append("-m mark --mark ").append(m.match(m.accept())).append(" -j ACCEPT\n");
        s.append(p).append("-m mark --mark ").append(m.match(m.drop())).append(save).append('\n');
        s.append(p).append("-m mark --mark ").append(m.match(m.drop())).append(" -j DROP\n");
        s.append(p).append("-p tcp -m mark --mark ").append(m.match(m.reject())).append(" -j REJECT --reject-with tcp-reset\n");
        s.append(p).append("-m mark --mark ").append(m.match(m.reject())).append(" -j DROP\n");
        s.append(p).append("-p tcp -m tcp --tcp-flags RST RST -m conntrack --ctstate RELATED -j RETURN\n");
        if (f == IpFamily.IPV6) {
            for (int type : NDP_TYPES) {
                s.append(p).append("-p ipv6-icmp -m icmp6 --icmpv6-type ").append(type).append(" -j RETURN\n");
            }
        }
        s.append(p).append("-j ").append(c.workloadChain()).append('\n');
    }

    static String queueTarget(InterceptConfig c) {
        StringBuilder t = new StringBuilder();
        if (c.queueCount() == 1) {
            t.append("--queue-num ").append(c.firstQueue());
        } else {
            t.append("--queue-balance ").append(c.firstQueue()).append(':').append(c.firstQueue() + c.queueCount() - 1);
            if (c.cpuFanout()) {
                t.append(" --queue-cpu-fanout");
            }
        }
        if (c.failOpen()) {
            t.append(" --queue-bypass");
        }
        return t.toString();
    }

    /** Rewrites the workload chain with exactly {@code workloads} of this family (declaring it flushes it). */
    static String workloads(InterceptConfig c, IpFamily f, Collection<InetAddress> workloads) {
        StringBuilder s = new StringBuilder("*filter\n");
        s.append(':').append(c.workloadChain()).append(" - [0:0]\n");
        workloadRules(s, c, f, workloads);
        return s.append("COMMIT\n").toString();
    }

    private static void workloadRules(StringBuilder s, InterceptConfig c, IpFamily f, Collection<InetAddress> workloads) {
        for (InetAddress a : workloads) {
            if (f.accepts(a)) {
                String host = f.host(a);
                s.append("-A ").append(c.workloadChain()).append(" -s ").append(host).append(" -j ").append(c.queueChain())
                        .append('\n');
                s.append("-A ").append(c.workloadChain()).append(" -d ").append(host).append(" -j ").append(c.queueChain())
                        .append('\n');
            }
        }
    }

    /** One transaction removing every jump to and every chain of the dp; null when there is nothing. */
    static String remove(Existing existing) {
        if (existing.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder("*filter\n");
        for (String chain : existing.chains()) {
            s.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String jump : existing.jumps()) {
            s.append("-D").append(jump.substring(2)).append('\n');
        }
        for (String chain : existing.chains()) {
            s.append("-X ").append(chain).append('\n');
        }
        return s.append("COMMIT\n").toString();
    }
}
