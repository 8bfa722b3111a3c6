package dev.microseg.dp.protocol;

/**
 * {@code {"ctrl_keep_alive": {"seq_num": 7}}}: sent by the agent every 2 s; the dp answers the sender
 * with a keep-alive echo report carrying the same {@code seq_num}.
 *
 * @param seqNum u32 chosen by the agent, echoed unchanged
 */
public record CtrlKeepAlive(long seqNum) implements ControlCommand {
    public static final String KEY = "ctrl_keep_alive";

    public CtrlKeepAlive {
        Check.u32("seq_num", seqNum);
    }

    @Override
    public String key() {
        return KEY;
    }
}
