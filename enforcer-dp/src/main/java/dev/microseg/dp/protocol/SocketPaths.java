package dev.microseg.dp.protocol;

/** Where the two ends bind by default (both configurable; the directory should be 0700 root). */
public final class SocketPaths {
    /** The dp's control socket: commands go here. */
    public static final String DP_CONTROL = "/run/microseg/dp.sock";
    /** The agent's socket: it sends commands from it and the dp sends replies and reports to it. */
    public static final String AGENT_REPORTS = "/run/microseg/agent.sock";

    private SocketPaths() {
    }
}
