package dev.microseg.dp.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/**
 * Hex fixtures with comments: everything after {@code //} on a line is ignored, as is white
 * space, so a fixture can say what each field is.
 */
public final class Hex {
    private Hex() {
    }

    public static byte[] bytes(String fixture) {
        StringBuilder hex = new StringBuilder();
        for (String line : fixture.split("\n")) {
            int comment = line.indexOf("//");
            hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(hex);
    }

    /** The fixture in a native segment (8-byte aligned) of exactly its length, from {@code arena}. */
    public static MemorySegment segment(Arena arena, String fixture) {
        byte[] b = bytes(fixture);
        MemorySegment s = arena.allocate(Math.max(1, b.length), 8).asSlice(0, b.length);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    public static String of(MemorySegment s, long length) {
        return HexFormat.of().formatHex(s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
    }
}
