/**
 * The kernel allow cache: the keys (source, destination, protocol, destination port) of
 * connections the dp decided as a final L3/L4 allow, kept in an nf_tables set with a timeout, so
 * later connections with the same key get the ACCEPT mark in the kernel and never cross user
 * space ({@link dev.microseg.dp.kcache.NftAllowTable} for the kernel objects and why they sit in a
 * base chain before the iptables-nft chain, {@link dev.microseg.dp.kcache.KernelAllowCache} for the
 * writer and its correctness across policy changes, {@link dev.microseg.dp.kcache.NftSetCodec} for
 * the netlink messages). Connections the cache accepts are reported from conntrack by the
 * reporter (dumps and DESTROY events), classified there, off the packet path.
 */
package dev.microseg.dp.kcache;
