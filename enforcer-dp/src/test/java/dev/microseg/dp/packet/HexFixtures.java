package dev.microseg.dp.packet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Reads hex fixtures: whitespace-separated hex bytes, {@code #} starts a comment to end of line. */
final class HexFixtures {
    private HexFixtures() {
    }

    static byte[] parse(String text) {
        StringBuilder hex = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            hex.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(hex);
    }

    static byte[] load(String name) {
        try (InputStream in = HexFixtures.class.getResourceAsStream("/packets/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture packets/" + name + ".hex");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
