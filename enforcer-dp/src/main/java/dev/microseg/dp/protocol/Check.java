package dev.microseg.dp.protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** Validation helpers for compact constructors; each failure names the wire field. */
final class Check {
    static final long U32_MAX = 0xFFFF_FFFFL;
    static final int PORT_MAX = 0xFFFF;

    private Check() {
    }

    static <T> T present(String field, T value) {
        if (value == null) {
            throw new InvalidFieldException(field, ControlError.MISSING_FIELD, "required");
        }
        return value;
    }

    static long u32(String field, long v) {
        if (v < 0 || v > U32_MAX) {
            throw new InvalidFieldException(field, ControlError.OUT_OF_RANGE, v + " is outside 0.." + U32_MAX);
        }
        return v;
    }

    static long range(String field, long v, long min, long max) {
        if (v < min || v > max) {
            throw new InvalidFieldException(field, ControlError.OUT_OF_RANGE, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    static int port(String field, int v) {
        return (int) range(field, v, 0, PORT_MAX);
    }

    static <T> List<T> list(String field, List<T> list, int max) {
        present(field, list);
        if (list.size() > max) {
            throw new InvalidFieldException(field, ControlError.TOO_MANY, list.size() + " entries, at most " + max);
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidFieldException(field + "[" + i + "]", ControlError.MISSING_FIELD, "null entry");
            }
        }
        return List.copyOf(list);
    }

    static <T> void unique(String field, List<T> list) {
        HashSet<T> seen = HashSet.newHashSet(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!seen.add(list.get(i))) {
                throw new InvalidFieldException(field + "[" + i + "]", "duplicate " + list.get(i));
            }
        }
    }

    static void flag(String field, int flag) {
        if (flag < 0 || flag > (BatchFlags.MSG_START | BatchFlags.MSG_END)) {
            throw new InvalidFieldException(field, ControlError.OUT_OF_RANGE,
                    flag + " has bits other than 1 (MSG_START) and 2 (MSG_END)");
        }
    }

    static void sameFamily(String field, IpAddress a, IpAddress b, String other) {
        if (a.v6() != b.v6()) {
            throw new InvalidFieldException(field, "address family differs from " + other + " (" + a + " vs " + b + ")");
        }
    }

    static String nonNullText(String field, String s) {
        return Objects.requireNonNull(present(field, s));
    }
}
