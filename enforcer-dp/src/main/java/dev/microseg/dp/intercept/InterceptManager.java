package dev.microseg.dp.intercept;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Owns the dp's netfilter rules in one network namespace: installs them, keeps the set of
 * intercepted workload addresses, and removes everything on exit or after a crash.
 *
 * <p>Every change is one {@code iptables-restore --noflush} transaction per address family (one
 * process, atomic: packets see the old rules or the new ones). The rules themselves and the
 * offload design are described in {@link IptablesScript} and {@link MarkBits}. After the dp dies
 * (even by SIGKILL) the rules stay; with {@code failOpen} the queue rule's {@code --queue-bypass}
 * then lets traffic through, without it traffic to workloads is dropped until the next start,
 * whose {@link #install()} replaces the leftovers. Thread-safe.
 */
public final class InterceptManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InterceptManager.class);

    private final InterceptConfig config;
    private final Set<InetAddress> workloads = new LinkedHashSet<>();
    private boolean installed;

    private InterceptManager(InterceptConfig config) {
        this.config = config;
    }

    /** A manager for {@code config}; changes nothing until {@link #install()}. */
    public static InterceptManager create(InterceptConfig config) {
        return new InterceptManager(config);
    }

    public InterceptConfig config() {
        return config;
    }

    /** Detects and logs what the kernel offers ({@link InterceptBackend}). */
    public InterceptBackend detectBackend() throws IOException {
        return InterceptBackend.detect(config.commandPrefix());
    }

    public List<IpFamily> families() {
        return config.ipv6() ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4);
    }

    /**
     * Replaces whatever an earlier (possibly crashed) run left with the current rules, including
     * the workload addresses already added, in one transaction per family.
     */
    public synchronized void install() throws IOException {
        for (IpFamily f : families()) {
            IptablesScript.Existing existing = IptablesScript.parse(save(f), config);
            if (!existing.isEmpty()) {
                LOG.atWarn().addKeyValue("family", f).addKeyValue("chains", existing.chains())
                        .addKeyValue("jumps", existing.jumps().size()).log("replacing rules left by an earlier run");
            }
            restore(f, IptablesScript.install(config, f, existing, workloads), "installing the " + config.chainPrefix()
                    + " chain in " + f.command());
        }
        installed = true;
        LOG.atInfo().addKeyValue("chain", config.chainPrefix()).addKeyValue("queue", IptablesScript.queueTarget(config))
                .addKeyValue("workloads", workloads.size()).log("intercept rules installed");
    }

    /** Starts queueing traffic from and to {@code address}. No-op if already there. */
    public void addWorkload(InetAddress address) throws IOException {
        addWorkloads(List.of(address));
    }

    public void removeWorkload(InetAddress address) throws IOException {
        removeWorkloads(List.of(address));
    }

    public synchronized void addWorkloads(Collection<? extends InetAddress> addresses) throws IOException {
        Set<InetAddress> next = new LinkedHashSet<>(workloads);
        next.addAll(addresses);
        apply(next);
    }

    public synchronized void removeWorkloads(Collection<? extends InetAddress> addresses) throws IOException {
        Set<InetAddress> next = new LinkedHashSet<>(workloads);
        next.removeAll(addresses);
        apply(next);
    }

    /** Makes the intercepted set exactly {@code addresses} (e.g. after the agent re-sent every endpoint). */
    public synchronized void setWorkloads(Collection<? extends InetAddress> addresses) throws IOException {
        apply(new LinkedHashSet<>(addresses));
    }

    public synchronized Set<InetAddress> workloads() {
        return Set.copyOf(workloads);
    }

    /**
     * Rewrites the workload chain of each family whose addresses changed. The in-memory set
     * changes only when the kernel accepted the new rules.
     */
    private void apply(Set<InetAddress> next) throws IOException {
        EnumSet<IpFamily> changed = EnumSet.noneOf(IpFamily.class);
        for (InetAddress a : next) {
            if (!workloads.contains(a)) {
                changed.add(IpFamily.of(a));
            }
        }
        for (InetAddress a : workloads) {
            if (!next.contains(a)) {
                changed.add(IpFamily.of(a));
            }
        }
        for (InetAddress a : next) {
            if (IpFamily.of(a) == IpFamily.IPV6 && !config.ipv6()) {
                throw new IllegalArgumentException("workload address " + a.getHostAddress()
                        + " is IPv6 but IPv6 interception is off");
            }
        }
        if (installed) {
            for (IpFamily f : changed) {
                restore(f, IptablesScript.workloads(config, f, next), "updating workload addresses in " + f.command());
            }
        }
        workloads.clear();
        workloads.addAll(next);
        if (!changed.isEmpty()) {
            LOG.atInfo().addKeyValue("workloads", workloads.size()).addKeyValue("families", changed)
                    .log("intercepted workload addresses updated");
        }
    }

    /** Removes every rule and chain of the dp (clean exit). */
    public synchronized void removeAll() throws IOException {
        removeFrom(config);
        installed = false;
    }

    /**
     * Removes what an earlier run with this configuration left, without installing anything.
     *
     * @return true when something was found and removed
     */
    public static boolean cleanupStale(InterceptConfig config) throws IOException {
        return removeFrom(config);
    }

    private static boolean removeFrom(InterceptConfig config) throws IOException {
        boolean removed = false;
        for (IpFamily f : config.ipv6() ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4)) {
            IptablesScript.Existing existing = IptablesScript.parse(save(config, f), config);
            String script = IptablesScript.remove(existing);
            if (script != null) {
                restore(config, f, script, "removing the " + config.chainPrefix() + " chains from " + f.command());
                LOG.atInfo().addKeyValue("family", f).addKeyValue("chains", existing.chains()).log("intercept rules removed");
                removed = true;
            }
        }
        return removed;
    }

    /** The filter table as {@code iptables-save} prints it, for diagnostics and tests. */
    public String save(IpFamily f) throws IOException {
        return save(config, f);
    }

    private static String save(InterceptConfig config, IpFamily f) throws IOException {
        return Commands.check("reading the filter table", Commands.with(config.commandPrefix(), f.saveCommand(), "-t",
                "filter"), null).stdout();
    }

    private void restore(IpFamily f, String script, String step) throws IOException {
        restore(config, f, script, step);
    }

    private static void restore(InterceptConfig config, IpFamily f, String script, String step) throws IOException {
        try {
            Commands.check(step, Commands.with(config.commandPrefix(), f.restoreCommand(), "--noflush"), script);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\n--- input ---\n" + script, e);
        }
    }

    /** {@link #removeAll()}, logging instead of throwing: for shutdown paths. */
    @Override
    public void close() {
        try {
            removeAll();
        } catch (IOException e) {
            LOG.atError().setCause(e).log("could not remove the intercept rules");
        }
    }
}
