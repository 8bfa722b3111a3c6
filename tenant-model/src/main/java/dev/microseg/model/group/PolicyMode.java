package dev.microseg.model.group;

import dev.microseg.model.InvalidFieldException;

/**
 * How the data plane treats traffic that no rule allows, for workloads of a group: Monitor lets
 * it pass and reports a violation; Protect drops it and reports it.
 */
public enum PolicyMode {
    MONITOR("Monitor"),
    PROTECT("Protect");

    private final String display;

    PolicyMode(String display) {
        this.display = display;
    }

    /** The spelling used by the API: {@code Monitor} or {@code Protect}. */
    public String display() {
        return display;
    }

    /** Case-insensitive parse of {@code Monitor} / {@code Protect}. */
    public static PolicyMode parse(String field, String value) {
        if (value != null) {
            for (PolicyMode m : values()) {
                if (m.display.equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
        }
        throw new InvalidFieldException(field, "must be 'Monitor' or 'Protect'" + (value == null ? "" : ", not '" + value + "'"));
    }

    @Override
    public String toString() {
        return display;
    }
}
