package dev.microseg.dp.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;

/**
 * The engine's hold on the intercept rules ({@link dev.microseg.dp.intercept.InterceptManager} in
 * the process; a recorder in unit tests): which workload addresses are queued, and whether the
 * queue rule fails open ({@code --queue-bypass}).
 */
public interface KernelRules {
    /** Queues exactly these addresses (both directions). */
    void setWorkloads(Collection<InetAddress> addresses) throws IOException;

    /** Rewrites the queue rule with or without {@code --queue-bypass}. */
    void setFailOpen(boolean failOpen) throws IOException;
}
