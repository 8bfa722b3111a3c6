package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * The 12-byte header in front of every report message, network byte order:
 * {@code kind u16, length u16, more u32, seq u32}.
 *
 * @param kind   what the body holds
 * @param length the whole message in bytes, header included; equals the datagram's size
 * @param more   how many further messages of the same batch follow (0 on the last or only one)
 * @param seq    per-sender message counter, +1 per message, wrapping at 2^32
 */
public record ReportHeader(ReportKind kind, int length, long more, long seq) {
    public ReportHeader {
        Objects.requireNonNull(kind, "kind");
        if (length < ProtocolLimits.REPORT_HEADER_LEN || length > ProtocolLimits.MAX_REPORT_MESSAGE) {
            throw new IllegalArgumentException("length " + length + " outside 12..65535");
        }
        Check.u32("more", more);
        Check.u32("seq", seq);
    }
}
