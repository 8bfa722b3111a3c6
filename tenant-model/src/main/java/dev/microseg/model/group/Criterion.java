package dev.microseg.model.group;

import dev.microseg.model.InvalidFieldException;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One label requirement of a group's selector, in Kubernetes label-selector terms.
 *
 * @param key    label key, Kubernetes syntax ({@code [prefix/]name})
 * @param op     the operator
 * @param values values for {@code =}, {@code !=}, {@code in}, {@code notin}; empty for the
 *               existence operators
 */
public record Criterion(String key, Op op, List<String> values) {
    /** Kubernetes: name part at most 63 characters, optional DNS-subdomain prefix up to 253. */
    public static final int MAX_KEY_NAME = 63;
    public static final int MAX_KEY_PREFIX = 253;
    /** Kubernetes: label values are at most 63 characters. */
    public static final int MAX_VALUE = 63;
    /** Bound on the values of one {@code in} list. */
    public static final int MAX_VALUES = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?");

    /** Selector operators; {@link #symbol()} is the API spelling. */
    public enum Op {
        EQUALS("="), NOT_EQUALS("!="), IN("in"), NOT_IN("notin"), EXISTS("exists"), NOT_EXISTS("!exists");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public static Op parse(String field, String s) {
            if (s != null) {
                String t = s.strip();
                if (t.equals("==")) {
                    return EQUALS;
                }
                for (Op op : values()) {
                    if (op.symbol.equalsIgnoreCase(t)) {
                        return op;
                    }
                }
            }
            throw new InvalidFieldException(field, "unknown operator '" + s + "'; expected =, !=, in, notin, exists or !exists");
        }
    }

    public Criterion {
        requireKey("key", key);
        Objects.requireNonNull(op, "op");
        values = values == null ? List.of() : List.copyOf(values);
        switch (op) {
            case EQUALS, NOT_EQUALS -> {
                if (values.size() != 1) {
                    throw new InvalidFieldException("value", "operator " + op.symbol() + " takes exactly one value");
                }
            }
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    throw new InvalidFieldException("value", "operator " + op.symbol() + " takes at least one value");
                }
                if (values.size() > MAX_VALUES) {
                    throw new InvalidFieldException("value", "at most " + MAX_VALUES + " values");
                }
            }
            case EXISTS, NOT_EXISTS -> {
                if (!values.isEmpty()) {
                    throw new InvalidFieldException("value", "operator " + op.symbol() + " takes no value");
                }
            }
        }
        for (String v : values) {
            requireValue("value", v);
        }
    }

    /** Whether a workload with these labels satisfies the requirement. */
    public boolean matches(Map<String, String> labels) {
        String v = labels.get(key);
        return switch (op) {
            case EQUALS, IN -> v != null && values.contains(v);
            case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
            case EXISTS -> v != null;
            case NOT_EXISTS -> v == null;
        };
    }

    static void requireKey(String field, String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidFieldException(field, "must not be empty");
        }
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || prefix.length() > MAX_KEY_PREFIX || !PREFIX.matcher(prefix).matches())) {
            throw new InvalidFieldException(field, "'" + key + "' has an invalid prefix (a DNS subdomain of at most " + MAX_KEY_PREFIX + " characters)");
        }
        if (name.isEmpty() || name.length() > MAX_KEY_NAME || !NAME.matcher(name).matches()) {
            throw new InvalidFieldException(field, "'" + key + "' is not a valid label key (at most " + MAX_KEY_NAME
                    + " characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric)");
        }
    }

    static void requireValue(String field, String value) {
        if (value == null || value.length() > MAX_VALUE || !VALUE.matcher(value).matches()) {
            throw new InvalidFieldException(field, "'" + value + "' is not a valid label value (at most " + MAX_VALUE
                    + " characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric)");
        }
    }

    /** Selector-string form: {@code app=web}, {@code env in (prod,stage)}, {@code tier}, {@code !legacy}. */
    @Override
    public String toString() {
        return switch (op) {
            case EQUALS -> key + "=" + values.getFirst();
            case NOT_EQUALS -> key + "!=" + values.getFirst();
            case IN -> key + " in (" + String.join(",", values) + ")";
            case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
            case EXISTS -> key;
            case NOT_EXISTS -> "!" + key;
        };
    }
}
