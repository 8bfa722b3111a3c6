package dev.microseg.dp.packet;

/**
 * What {@link PacketDecoder#decode} found. Everything except {@link #OK} names the first thing
 * that was wrong; the decoder stops there and never throws. The fields of
 * {@link DecodedPacket} decoded before the failure stay valid (e.g. addresses are set when only
 * the TCP header is truncated), so the engine can still relate a damaged packet to a session.
 *
 * <p>"Truncated" means the bytes needed are not in the captured data: either the queue's copy
 * range cut the packet ({@link DecodedPacket#captureTruncated()} is then true) or the packet's
 * own length field says it ends before the header does. "Bad" means a field's value is
 * impossible whatever the capture.
 */
public enum DecodeResult {
    /** Decoded as far as the packet allows (a non-first fragment legitimately has no L4 header). */
    OK,
    /** Captured length negative, beyond the segment, or larger than the original length. */
    BAD_LENGTHS,
    /** Nothing captured. */
    EMPTY,
    /** Version nibble is neither 4 nor 6. */
    UNKNOWN_IP_VERSION,
    /** Fewer than 20 bytes of IPv4 header captured. */
    IPV4_TRUNCATED,
    /** IHL below 5 (RFC 791 §3.1: the minimum header is five 32-bit words). */
    IPV4_BAD_IHL,
    /** IHL covers options that are not captured. */
    IPV4_OPTIONS_TRUNCATED,
    /** Total length smaller than the header or larger than the original packet. */
    IPV4_BAD_TOTAL_LENGTH,
    /** Fewer than 40 bytes of IPv6 header captured. */
    IPV6_TRUNCATED,
    /** Payload length larger than the original packet. */
    IPV6_BAD_PAYLOAD_LENGTH,
    /** An extension header runs past the captured bytes. */
    IPV6_EXT_TRUNCATED,
    /** Hop-by-Hop Options not directly after the IPv6 header (RFC 8200 §4.3). */
    IPV6_HOP_BY_HOP_NOT_FIRST,
    /** More extension headers than {@link PacketDecoder#MAX_IPV6_EXT_HEADERS}. */
    IPV6_EXT_CHAIN_TOO_LONG,
    /** Fewer than 20 bytes of TCP header. */
    TCP_TRUNCATED,
    /** Data offset below 5 words (RFC 9293 §3.1). */
    TCP_BAD_DATA_OFFSET,
    /** Data offset covers options that are not captured. */
    TCP_OPTIONS_TRUNCATED,
    /** Fewer than 8 bytes of UDP header. */
    UDP_TRUNCATED,
    /** UDP length below 8 (and not the RFC 2675 jumbogram 0) or beyond the IP payload. */
    UDP_BAD_LENGTH,
    /** Fewer than 8 bytes of ICMP header. */
    ICMP_TRUNCATED,
    /** Fewer than 8 bytes of ICMPv6 header. */
    ICMPV6_TRUNCATED
}
