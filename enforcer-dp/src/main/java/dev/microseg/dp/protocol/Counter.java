package dev.microseg.dp.protocol;

/**
 * One named counter of a counters report.
 *
 * @param name  1..64 characters of {@code [a-z0-9_.]}
 * @param value non-negative
 */
public record Counter(String name, long value) {
    public Counter {
        Check.present("name", name);
        if (name.isEmpty() || name.length() > ProtocolLimits.MAX_COUNTER_NAME) {
            throw new InvalidFieldException("name", ControlError.OUT_OF_RANGE,
                    "length " + name.length() + " is outside 1.." + ProtocolLimits.MAX_COUNTER_NAME);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
                throw new InvalidFieldException("name", "not a counter name ([a-z0-9_.]): " + Text.quote(name));
            }
        }
        Check.range("value", value, 0, Long.MAX_VALUE);
    }
}
