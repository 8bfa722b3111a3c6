package dev.microseg.dp.protocol;

/**
 * A command from the node agent to the dp: one JSON object per unix datagram, whose single
 * top-level key names the command (NeuVector's agent ↔ dp protocol, see docs/dp-protocol.md).
 *
 * <p>The sequence on a (re)connect:
 * <ol>
 *   <li>agent → dp {@code ctrl_keep_alive}; dp → agent keep-alive echo with its protocol version and
 *       start time (every 2 s from then on; a changed start time means the dp restarted).</li>
 *   <li>agent → dp {@code ctrl_sync} phase 1 (begin), {@code ctrl_sys_conf},
 *       {@code ctrl_cfg_internal_net}, one {@code ctrl_add_mac} per workload endpoint, then one
 *       {@code ctrl_cfg_policy} batch per workload.</li>
 *   <li>agent → dp {@code ctrl_sync} phase 2 (end): the dp drops endpoints and policies the replay did
 *       not mention.</li>
 *   <li>afterwards, changes as they come: {@code ctrl_add_mac}, {@code ctrl_cfg_mac},
 *       {@code ctrl_del_mac}, {@code ctrl_cfg_policy}; {@code ctrl_stats} whenever someone asks.</li>
 * </ol>
 * A command the dp refuses is answered with an error report to the sender; accepted commands are
 * not acknowledged.
 */
public sealed interface ControlCommand
        permits CtrlKeepAlive, CtrlAddMac, CtrlDelMac, CtrlCfgMac, CtrlCfgPolicy, CtrlCfgInternalNet,
                CtrlSysConf, CtrlStats, CtrlSync {

    /** The top-level JSON key of this command, e.g. {@code ctrl_cfg_policy}. */
    String key();
}
