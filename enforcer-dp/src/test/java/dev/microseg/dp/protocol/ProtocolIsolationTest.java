package dev.microseg.dp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** node-enforcer depends on the protocol package alone: it must import nothing but the JDK and jackson-core. */
class ProtocolIsolationTest {
    @Test
    void protocolImportsOnlyTheJdkAndJacksonCore() throws IOException {
        Path dir = Path.of("src/main/java/dev/microseg/dp/protocol");
        assertThat(dir).isDirectory();
        List<String> offending;
        try (Stream<Path> files = Files.list(dir)) {
            offending = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(l -> l.startsWith("import "))
                            .filter(l -> !l.matches("import (static )?(java\\.|com\\.fasterxml\\.jackson\\.core\\.|dev\\.microseg\\.dp\\.protocol\\.).*"))
                            .map(l -> f.getFileName() + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(offending).isEmpty();
    }
}
