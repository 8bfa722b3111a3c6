/**
 * The conntrack table through ctnetlink ({@code linux/netfilter/nfnetlink_conntrack.h}): read an
 * entry and its counters, rewrite its mark (to cut an offloaded connection), delete it, dump by
 * mark, and follow DESTROY events for the final counters of connections the data plane no longer
 * sees. IPv4 and IPv6.
 */
package dev.microseg.dp.conntrack;
