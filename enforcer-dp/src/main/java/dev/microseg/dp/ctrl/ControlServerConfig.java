package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.SocketPaths;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the dp's control socket.
 *
 * @param socketPath        where the dp binds its control socket (a stale socket file is replaced)
 * @param reportPath        the agent's socket, where reports go
 * @param socketPermissions mode of the socket file; 0600 by default (only root's agent may talk to it)
 * @param batchTimeout      how long an unfinished policy batch may wait for its next datagram
 * @param logsPerWindow     malformed/refused-command log lines allowed per {@code logWindow}
 * @param logWindow         the window of that budget
 * @param reconnectInterval after the agent's socket was found absent, how long reports are dropped
 *                          before the next connect attempt (so a missing agent costs no syscall storm)
 */
public record ControlServerConfig(Path socketPath, Path reportPath, Set<PosixFilePermission> socketPermissions,
                                  Duration batchTimeout, int logsPerWindow, Duration logWindow,
                                  Duration reconnectInterval) {
    /** NeuVector's agent sends all batches of a policy back to back; 10 s is generous. */
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofSeconds(10);
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    public ControlServerConfig {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(reportPath, "reportPath");
        socketPermissions = Set.copyOf(socketPermissions);
        if (batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("batchTimeout must be positive");
        }
        if (logsPerWindow < 1 || logWindow.isNegative() || logWindow.isZero()) {
            throw new IllegalArgumentException("log budget must be positive");
        }
        if (reconnectInterval.isNegative()) {
            throw new IllegalArgumentException("reconnectInterval must not be negative");
        }
    }

    /** Defaults: mode 0600, 10 s batch timeout, 20 log lines per 10 s, reconnect after 1 s. */
    public static ControlServerConfig of(Path socketPath, Path reportPath) {
        return new ControlServerConfig(socketPath, reportPath, OWNER_ONLY, DEFAULT_BATCH_TIMEOUT, 20,
                Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    /** The default paths of {@link SocketPaths}. */
    public static ControlServerConfig defaults() {
        return of(Path.of(SocketPaths.DP_CONTROL), Path.of(SocketPaths.AGENT_REPORTS));
    }

    public ControlServerConfig withReconnectInterval(Duration d) {
        return new ControlServerConfig(socketPath, reportPath, socketPermissions, batchTimeout, logsPerWindow, logWindow, d);
    }

    public ControlServerConfig withBatchTimeout(Duration d) {
        return new ControlServerConfig(socketPath, reportPath, socketPermissions, d, logsPerWindow, logWindow, reconnectInterval);
    }

    public ControlServerConfig withLogBudget(int perWindow, Duration window) {
        return new ControlServerConfig(socketPath, reportPath, socketPermissions, batchTimeout, perWindow, window, reconnectInterval);
    }

    public ControlServerConfig withSocketPermissions(Set<PosixFilePermission> perms) {
        return new ControlServerConfig(socketPath, reportPath, perms, batchTimeout, logsPerWindow, logWindow, reconnectInterval);
    }
}
