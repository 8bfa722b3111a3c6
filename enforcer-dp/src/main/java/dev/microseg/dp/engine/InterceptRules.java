package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;

/**
 * The engine's hold on the process's intercept rules ({@link InterceptManager}): which workload
 * addresses are queued, and whether the queue rule fails open ({@code setFailOpen} reinstalls the
 * rules with or without {@code --queue-bypass}). IPv6 addresses are left out when the host has no
 * ip6tables.
 */
final class InterceptRules implements KernelRules {
    private static final Logger LOG = LoggerFactory.getLogger(InterceptRules.class);

    private volatile InterceptManager manager;

    InterceptRules(InterceptManager manager) {
        this.manager = manager;
    }

    InterceptManager manager() {
        return manager;
    }

    @Override
    public synchronized void setWorkloads(Collection<InetAddress> addresses) throws IOException {
        boolean v6 = manager.config().ipv6();
        manager.setWorkloads(addresses.stream().filter(a -> v6 || IpFamily.of(a) == IpFamily.IPV4).toList());
    }

    @Override
    public synchronized void setFailOpen(boolean failOpen) throws IOException {
        InterceptConfig c = manager.config();
        InterceptManager next = InterceptManager.create(new InterceptConfig(c.chainPrefix(), c.firstQueue(),
                c.queueCount(), failOpen, c.cpuFanout(), c.marks(), c.commandPrefix(), c.ipv6()));
        next.setWorkloads(manager.workloads());
        next.install();
        manager = next;
        LOG.atInfo().addKeyValue("fail_open", failOpen).log("event=intercept_bypass_changed");
    }
}
