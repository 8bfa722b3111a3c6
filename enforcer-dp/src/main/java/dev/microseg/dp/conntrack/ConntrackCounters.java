package dev.microseg.dp.conntrack;

/**
 * Packets and bytes seen in one direction (CTA_COUNTERS_*). Bytes are layer-3 lengths, IP header
 * included. Present only when {@code net.netfilter.nf_conntrack_acct=1} was set before the
 * connection started.
 */
public record ConntrackCounters(long packets, long bytes) {
}
