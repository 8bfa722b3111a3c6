package dev.microseg.dp.protocol;

/** A report message that cannot be decoded: bad kind, bad length, truncated, or a bad field value. */
public final class ReportDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int offset;

    public ReportDecodeException(String reason, int offset) {
        super(reason + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /** Byte offset within the message where decoding failed. */
    public int offset() {
        return offset;
    }
}
