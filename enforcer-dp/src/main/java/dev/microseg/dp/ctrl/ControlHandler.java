package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlCfgMac;
import dev.microseg.dp.protocol.CtrlDelMac;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.InternalNets;
import dev.microseg.dp.protocol.WorkloadPolicy;
import java.util.Map;

/**
 * What the dp engine implements to receive commands from {@link ControlServer}. Every method runs on
 * the control thread, one command at a time, in arrival order; a method should apply the change and
 * return quickly (publish a new snapshot for the fast path rather than block on it).
 *
 * <p>A method may refuse a command by throwing {@link ControlException} (use
 * {@link dev.microseg.dp.protocol.ControlError#REJECTED} and name the field); the server counts it,
 * logs it and sends an error report to the sender. Any other exception or error is caught, counted
 * as a handler failure and reported as {@code INTERNAL}; the server keeps serving (except after
 * the JVM's own {@link InternalError} or {@link UnknownError}, see {@link ControlServer}).
 */
public interface ControlHandler {

    /** {@code ctrl_keep_alive}: the server answers the echo itself; this only tells the engine the agent is alive. */
    default void onKeepAlive(CtrlKeepAlive keepAlive) {
    }

    /** {@code ctrl_add_mac}. */
    void onAddMac(CtrlAddMac cmd) throws ControlException;

    /** {@code ctrl_del_mac}. */
    void onDelMac(CtrlDelMac cmd) throws ControlException;

    /** {@code ctrl_cfg_mac}. */
    void onCfgMac(CtrlCfgMac cmd) throws ControlException;

    /** A complete {@code ctrl_cfg_policy}, after every batch of it arrived; never a partial one. */
    void onPolicy(WorkloadPolicy policy) throws ControlException;

    /** A complete {@code ctrl_cfg_internal_net} set; replaces the previous one. */
    void onInternalNets(InternalNets nets) throws ControlException;

    /** {@code ctrl_sys_conf}. */
    void onSysConf(CtrlSysConf conf) throws ControlException;

    /**
     * {@code ctrl_sync}: begin of a state replay, or its end (only an end whose gen matches the open
     * begin is passed on; the server refuses the others). At the end, drop what the replay did not
     * mention.
     */
    void onSync(CtrlSync sync) throws ControlException;

    /**
     * The control socket has no datagram waiting: apply what earlier commands left to do in one go
     * (the engine rewrites the intercept rules here, once for a burst of endpoint commands). Also
     * called at least once a second when idle. A failure is logged; the work should stay pending.
     */
    default void onIdle() throws ControlException {
    }

    /**
     * The engine's counters for {@code ctrl_stats} replies, names of {@code [a-z0-9_.]}, 1..64 long.
     * Called on the control thread for replies and on any thread by {@link ControlServer#counters()};
     * must be cheap, thread-safe and must not throw.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }
}
