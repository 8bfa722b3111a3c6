package dev.microseg.dp.protocol;

/**
 * An Ethernet MAC address held in the low 48 bits of a long, so that it is a value (equals, hash) and
 * costs no allocation beyond the record. Text form: six colon-separated pairs of hex digits
 * ({@code 02:42:ac:11:00:02}), the form NeuVector's agent sends and {@code ip link} prints.
 */
public record MacAddress(long value) implements Comparable<MacAddress> {
    private static final long MASK = 0xFFFF_FFFF_FFFFL;
    private static final int TEXT_LEN = 17;

    public MacAddress {
        if ((value & ~MASK) != 0) {
            throw new InvalidFieldException("mac", "more than 48 bits");
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (either case); {@code null} if the text is not a MAC. */
    public static MacAddress parseOrNull(CharSequence s) {
        if (s.length() != TEXT_LEN) {
            return null;
        }
        long v = 0;
        for (int i = 0; i < TEXT_LEN; i++) {
            char c = s.charAt(i);
            if (i % 3 == 2) {
                if (c != ':') {
                    return null;
                }
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f') {
                return null;
            }
            v = (v << 4) | d;
        }
        return new MacAddress(v);
    }

    /** Parses a MAC or throws naming {@code field}. */
    public static MacAddress parse(String field, CharSequence s) {
        MacAddress m = parseOrNull(s);
        if (m == null) {
            throw new InvalidFieldException(field, "not a MAC address (want aa:bb:cc:dd:ee:ff): " + Text.quote(s));
        }
        return m;
    }

    /** From six bytes at {@code off}. */
    public static MacAddress fromBytes(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return new MacAddress(v);
    }

    /** Writes the six bytes at {@code off}. */
    public void toBytes(byte[] b, int off) {
        for (int i = 5; i >= 0; i--) {
            b[off + i] = (byte) (value >>> (8 * (5 - i)));
        }
    }

    @Override
    public String toString() {
        char[] c = new char[TEXT_LEN];
        for (int i = 0; i < 6; i++) {
            int octet = (int) (value >>> (8 * (5 - i))) & 0xFF;
            c[i * 3] = Character.forDigit(octet >>> 4, 16);
            c[i * 3 + 1] = Character.forDigit(octet & 0xF, 16);
            if (i < 5) {
                c[i * 3 + 2] = ':';
            }
        }
        return new String(c);
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(value, o.value);
    }
}
