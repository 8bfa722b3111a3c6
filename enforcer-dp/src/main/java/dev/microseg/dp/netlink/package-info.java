/**
 * A small netlink layer (RFC 3549, netlink(7)) over the Foreign Function &amp; Memory API: libc's
 * socket calls through {@code Linker.nativeLinker()} ({@link dev.microseg.dp.netlink.Libc}), a
 * socket with request/ACK handling and sequence numbers
 * ({@link dev.microseg.dp.netlink.NetlinkSocket}), and bounds-checked, allocation-free framing:
 * {@link dev.microseg.dp.netlink.NlWriter} to encode, {@link dev.microseg.dp.netlink.NlCursor}
 * and {@link dev.microseg.dp.netlink.NlAttrs} to decode. No JNI, no native library of ours.
 */
package dev.microseg.dp.netlink;
