package dev.microseg.dp.protocol;

/**
 * {@code {"ctrl_stats": {"seq_num": 3}}} (microseg extension): asks the dp for its counters. The dp
 * answers the sender's bound socket address with a counters report (kind 5) carrying the same
 * {@code seq_num}. {@code microseg-dp status} uses it.
 *
 * @param seqNum u32 chosen by the requester, echoed in the reply
 */
public record CtrlStats(long seqNum) implements ControlCommand {
    public static final String KEY = "ctrl_stats";

    public CtrlStats {
        Check.u32("seq_num", seqNum);
    }

    @Override
    public String key() {
        return KEY;
    }
}
