package dev.microseg.dp.conntrack;

import java.util.Optional;

/**
 * A conntrack entry as ctnetlink reports it.
 *
 * @param original        the direction of the first packet
 * @param reply           the expected reply direction (differs from the inverted original under NAT)
 * @param mark            the connection mark (ct mark)
 * @param status          IPS_* status bits ({@code linux/netfilter/nf_conntrack_common.h})
 * @param id              the kernel's entry id (CTA_ID), stable for the entry's life
 * @param timeoutSeconds  seconds until expiry, -1 when not reported (destroy events)
 * @param originalCounters counters of the original direction, when accounting is on
 * @param replyCounters   counters of the reply direction, when accounting is on
 */
public record ConntrackEntry(ConntrackTuple original, ConntrackTuple reply, int mark, int status, long id,
                             int timeoutSeconds, Optional<ConntrackCounters> originalCounters,
                             Optional<ConntrackCounters> replyCounters) {
    /** IPS_SEEN_REPLY: packets have been seen in both directions. */
    public static final int IPS_SEEN_REPLY = 1 << 1;
    /** IPS_ASSURED. */
    public static final int IPS_ASSURED = 1 << 2;
    /** IPS_CONFIRMED: the entry is in the table (its first packet left the hooks). */
    public static final int IPS_CONFIRMED = 1 << 3;
}
