package dev.microseg.model.app;

import java.util.List;
import java.util.Objects;

/**
 * An application protocol the data plane's DPI can identify.
 *
 * @param id      stable numeric id carried on the wire and stored with flows; never renumbered
 * @param name    canonical display name (e.g. {@code MySQL})
 * @param aliases other accepted spellings (e.g. {@code TLS} for SSL)
 */
public record Application(int id, String name, List<String> aliases) {
    public Application {
        if (id <= 0) {
            throw new IllegalArgumentException("application id must be positive: " + id);
        }
        Objects.requireNonNull(name, "name");
        aliases = List.copyOf(aliases);
    }

    @Override
    public String toString() {
        return name;
    }
}
