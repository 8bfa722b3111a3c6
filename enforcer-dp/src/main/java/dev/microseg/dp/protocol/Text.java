package dev.microseg.dp.protocol;

/** Small text helpers for error messages: a bad value is quoted, bounded and made printable. */
final class Text {
    /** Error messages quote at most this much of a bad value, so a huge value cannot flood a log. */
    static final int QUOTE_MAX = 64;

    private Text() {
    }

    static String quote(CharSequence s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_MAX) + 8).append('"');
        int n = Math.min(s.length(), QUOTE_MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > n) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    /**
     * {@code s} as it survives a UTF-8 round trip (unpaired surrogates become '?'), cut to at most
     * {@code maxBytes} UTF-8 bytes without splitting a character.
     */
    static String truncateUtf8(String s, int maxBytes) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= maxBytes) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        int end = maxBytes;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(b, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
