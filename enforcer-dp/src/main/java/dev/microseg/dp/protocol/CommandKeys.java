package dev.microseg.dp.protocol;

import java.util.List;

/** The top-level keys of every command, in the order docs/dp-protocol.md lists them. */
public final class CommandKeys {
    public static final List<String> ALL = List.of(CtrlKeepAlive.KEY, CtrlAddMac.KEY, CtrlDelMac.KEY, CtrlCfgMac.KEY,
            CtrlCfgPolicy.KEY, CtrlCfgInternalNet.KEY, CtrlSysConf.KEY, CtrlStats.KEY, CtrlSync.KEY);

    private CommandKeys() {
    }
}
