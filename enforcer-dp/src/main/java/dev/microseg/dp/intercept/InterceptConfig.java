package dev.microseg.dp.intercept;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The data plane's netfilter rules, as configured.
 *
 * @param chainPrefix   name of the dp's chain in the filter table; its helpers are PREFIX-WL (one
 *                      rule per workload address and direction) and PREFIX-Q (the NFQUEUE rule).
 *                      Everything named PREFIX or PREFIX-* belongs to the dp and is removed at
 *                      clean-up
 * @param firstQueue    first queue number
 * @param queueCount    queues used, {@code firstQueue .. firstQueue+queueCount-1}; with more than one,
 *                      {@code --queue-balance} spreads flows by a hash symmetric in the addresses,
 *                      so both directions of a connection reach the same queue (thread)
 * @param failOpen      {@code --queue-bypass}: with no process bound to the queue (dp stopped or
 *                      killed) packets are accepted; without it they are dropped (fail-closed)
 * @param cpuFanout     {@code --queue-cpu-fanout}: choose the queue by CPU instead of by flow
 *                      hash. Off by default: it would split a connection's two directions across
 *                      queue threads whenever they are handled on different CPUs
 * @param marks         the mark bits the dp owns
 * @param commandPrefix prepended to every iptables command, e.g. {@code [ip, netns, exec, NAME]}
 *                      to act on another namespace; empty for the process's own
 * @param ipv6          manage ip6tables too
 */
public record InterceptConfig(String chainPrefix, int firstQueue, int queueCount, boolean failOpen, boolean cpuFanout,
                              MarkBits marks, List<String> commandPrefix, boolean ipv6) {
    public static final String DEFAULT_CHAIN = "MICROSEG-DP";
    /** iptables chain names are at most 28 characters (XT_EXTENSION_MAXNAMELEN - 1); "-WL" is added. */
    private static final Pattern CHAIN = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,24}");

    public InterceptConfig {
        Objects.requireNonNull(marks, "marks");
        commandPrefix = List.copyOf(commandPrefix);
        if (chainPrefix == null || !CHAIN.matcher(chainPrefix).matches()) {
            throw new IllegalArgumentException("chainPrefix " + chainPrefix + " must match " + CHAIN.pattern());
        }
        if (firstQueue < 0 || queueCount < 1 || firstQueue + queueCount - 1 > 65535) {
            throw new IllegalArgumentException("queues " + firstQueue + ".." + (firstQueue + queueCount - 1)
                    + " outside 0..65535");
        }
    }

    /** {@code queueCount} queues from 0, the default chain and marks, IPv4 and IPv6, this namespace. */
    public static InterceptConfig of(int queueCount, boolean failOpen) {
        return new InterceptConfig(DEFAULT_CHAIN, 0, queueCount, failOpen, false, MarkBits.DEFAULT, List.of(), true);
    }

    public InterceptConfig withChainPrefix(String prefix) {
        return new InterceptConfig(prefix, firstQueue, queueCount, failOpen, cpuFanout, marks, commandPrefix, ipv6);
    }

    public InterceptConfig withQueues(int first, int count) {
        return new InterceptConfig(chainPrefix, first, count, failOpen, cpuFanout, marks, commandPrefix, ipv6);
    }

    public InterceptConfig withCpuFanout(boolean on) {
        return new InterceptConfig(chainPrefix, firstQueue, queueCount, failOpen, on, marks, commandPrefix, ipv6);
    }

    public InterceptConfig withMarks(MarkBits m) {
        return new InterceptConfig(chainPrefix, firstQueue, queueCount, failOpen, cpuFanout, m, commandPrefix, ipv6);
    }

    /** Runs the iptables commands inside /run/netns/NAME through {@code ip netns exec}. */
    public InterceptConfig inNamespace(String name) {
        return new InterceptConfig(chainPrefix, firstQueue, queueCount, failOpen, cpuFanout, marks,
                List.of("ip", "netns", "exec", name), ipv6);
    }

    public InterceptConfig withIpv6(boolean on) {
        return new InterceptConfig(chainPrefix, firstQueue, queueCount, failOpen, cpuFanout, marks, commandPrefix, on);
    }

    public String workloadChain() {
        return chainPrefix + "-WL";
    }

    public String queueChain() {
        return chainPrefix + "-Q";
    }

    /** True for the dp's own chain names: the prefix itself or PREFIX-anything. */
    boolean owns(String chain) {
        return chain.equals(chainPrefix) || chain.startsWith(chainPrefix + "-");
    }
}
