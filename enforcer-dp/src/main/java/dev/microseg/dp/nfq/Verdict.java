package dev.microseg.dp.nfq;

/**
 * Netfilter verdicts a queue can return ({@code linux/netfilter.h}).
 *
 * <p>{@link #REPEAT} re-runs the hook (the whole iptables table chain that queued the packet)
 * from its start. The intercept rules use it with a decision mark so that
 * {@code CONNMARK --save-mark} records the decision; a REPEAT without a mark those rules act on
 * is queued again, so never send REPEAT without a decision mark.
 */
public enum Verdict {
    DROP(0),
    ACCEPT(1),
    REPEAT(4);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    /** The NF_* value on the wire. */
    public int code() {
        return code;
    }
}
