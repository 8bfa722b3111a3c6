package dev.microseg.dp.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;

/**
 * A strict pull reader over Jackson's streaming parser that knows where it is: every error carries
 * the JSON path ({@code ctrl_cfg_policy.rules[3].sip}) and a reason. Objects are read against a fixed
 * table of field names, so unknown and duplicate fields are caught while reading and missing ones
 * when the object ends. Numbers must be JSON integers, booleans JSON booleans, nothing may be null.
 */
final class JsonIn {
    private final JsonParser p;
    /** Per open container: the current field name (objects) or null (arrays). */
    private final String[] names = new String[ProtocolLimits.MAX_JSON_DEPTH + 1];
    /** Per open container: the current element index (arrays). */
    private final int[] indices = new int[ProtocolLimits.MAX_JSON_DEPTH + 1];
    /** Per open container: whether it is an array. */
    private final boolean[] isArray = new boolean[ProtocolLimits.MAX_JSON_DEPTH + 1];
    /** Per open object: which fields of its table were seen. */
    private final long[] seen = new long[ProtocolLimits.MAX_JSON_DEPTH + 1];
    private int depth;
    private boolean pending;

    JsonIn(JsonParser p) {
        this.p = p;
    }

    // ---- path and errors ----

    String path() {
        StringBuilder b = new StringBuilder(48);
        for (int l = 0; l < depth; l++) {
            if (names[l] != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(names[l]);
            } else if (indices[l] >= 0) {
                b.append('[').append(indices[l]).append(']');
            }
        }
        return b.toString();
    }

    String pathOf(String field) {
        String base = path();
        return base.isEmpty() ? field : field.startsWith("[") ? base + field : base + "." + field;
    }

    ControlException error(ControlError e, String reason) {
        return new ControlException(e, path(), reason);
    }

    /** Turns a record constructor's complaint into an error at the object just read. */
    ControlException invalid(InvalidFieldException e) {
        return new ControlException(e.error(), pathOf(e.field()), e.reason());
    }

    // ---- tokens ----

    private JsonToken token() throws ControlException {
        if (pending) {
            pending = false;
            return p.currentToken();
        }
        try {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw error(ControlError.MALFORMED_JSON, "unexpected end of input");
            }
            return t;
        } catch (StreamConstraintsException e) {
            followParser();
            throw error(ControlError.MALFORMED_JSON, "parser limit: " + e.getOriginalMessage());
        } catch (IOException e) {
            followParser();
            throw error(ControlError.MALFORMED_JSON, JsonIn.describe(e));
        }
    }

    /**
     * Jackson reads a field's value while returning the field's name, so a bad value fails before
     * {@link #nextField} has seen the name; take it from the parser so the error still names the field.
     */
    private void followParser() {
        if (depth > 0 && !isArray[depth - 1]) {
            String name = p.getParsingContext().getCurrentName();
            if (name != null) {
                names[depth - 1] = name;
            }
        }
    }

    static String describe(IOException e) {
        String m = e instanceof com.fasterxml.jackson.core.JacksonException je ? je.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private ControlException wrongType(String want, JsonToken got) {
        return error(ControlError.WRONG_TYPE, "expected " + want + ", found " + describe(got));
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a non-integer number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    // ---- containers ----

    void beginObject() throws ControlException {
        JsonToken t = token();
        if (t != JsonToken.START_OBJECT) {
            throw wrongType("an object", t);
        }
        enter(false);
    }

    private void enter(boolean array) {
        isArray[depth] = array;
        names[depth] = null;
        indices[depth] = -1;
        seen[depth] = 0;
        depth++;
    }

    /**
     * The next field of the current object as an index into {@code table}, or -1 at the end of the
     * object (whose required fields are then checked by {@link #endObject}).
     */
    int nextField(String[] table) throws ControlException {
        JsonToken t = token();
        if (t == JsonToken.END_OBJECT) {
            return -1;
        }
        String name;
        try {
            name = p.currentName();
        } catch (IOException e) {
            throw error(ControlError.MALFORMED_JSON, describe(e));
        }
        int l = depth - 1;
        names[l] = name;
        int i = indexOf(table, name);
        if (i < 0) {
            throw error(ControlError.UNKNOWN_FIELD, "unknown field (known: " + String.join(", ", table) + ")");
        }
        long bit = 1L << i;
        if ((seen[l] & bit) != 0) {
            throw error(ControlError.DUPLICATE_FIELD, "appears twice");
        }
        seen[l] |= bit;
        return i;
    }

    /**
     * Jackson interns field names and the tables hold literals, so identity finds a known name; equals
     * is the fallback should interning ever be off.
     */
    private static int indexOf(String[] table, String name) {
        for (int i = 0; i < table.length; i++) {
            if (table[i] == name) {
                return i;
            }
        }
        for (int i = 0; i < table.length; i++) {
            if (table[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Closes the current object, checking that every field in {@code required} (bit i = table[i]) was seen. */
    void endObject(String[] table, long required) throws ControlException {
        int l = depth - 1;
        long missing = required & ~seen[l];
        if (missing != 0) {
            names[l] = table[Long.numberOfTrailingZeros(missing)];
            throw error(ControlError.MISSING_FIELD, "required");
        }
        depth--;
    }

    void beginArray() throws ControlException {
        JsonToken t = token();
        if (t != JsonToken.START_ARRAY) {
            throw wrongType("an array", t);
        }
        enter(true);
    }

    /** Advances to the next element; false (and the array closed) at its end. Bounds the element count. */
    boolean nextElement(int max) throws ControlException {
        JsonToken t = token();
        int l = depth - 1;
        if (t == JsonToken.END_ARRAY) {
            depth--;
            return false;
        }
        if (indices[l] + 1 >= max) {
            indices[l] = -1;
            throw error(ControlError.TOO_MANY, "more than " + max + " entries");
        }
        indices[l]++;
        pending = true;
        return true;
    }

    // ---- values ----

    long integer(long min, long max) throws ControlException {
        JsonToken t = token();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType("an integer", t);
        }
        try {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw error(ControlError.OUT_OF_RANGE, "integer is outside " + min + ".." + max);
            }
            long v = p.getLongValue();
            if (v < min || v > max) {
                throw error(ControlError.OUT_OF_RANGE, v + " is outside " + min + ".." + max);
            }
            return v;
        } catch (IOException e) {
            throw error(ControlError.OUT_OF_RANGE, describe(e));
        }
    }

    long u32() throws ControlException {
        return integer(0, Check.U32_MAX);
    }

    int u16() throws ControlException {
        return (int) integer(0, 0xFFFF);
    }

    boolean bool() throws ControlException {
        JsonToken t = token();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw wrongType("a boolean", t);
    }

    String string() throws ControlException {
        JsonToken t = token();
        if (t != JsonToken.VALUE_STRING) {
            throw wrongType("a string", t);
        }
        try {
            return p.getText();
        } catch (IOException e) {
            throw error(ControlError.MALFORMED_JSON, describe(e));
        }
    }

    MacAddress mac() throws ControlException {
        String s = string();
        MacAddress m = MacAddress.parseOrNull(s);
        if (m == null) {
            throw error(ControlError.INVALID_VALUE, "not a MAC address (want aa:bb:cc:dd:ee:ff): " + Text.quote(s));
        }
        return m;
    }

    IpAddress ip() throws ControlException {
        String s = string();
        IpAddress a = IpAddress.parseOrNull(s);
        if (a == null) {
            throw error(ControlError.INVALID_VALUE, "not an IP address: " + Text.quote(s));
        }
        return a;
    }

    /** An enum code read as an integer; the caller maps it and reports unknown ones. */
    long code() throws ControlException {
        return integer(0, Integer.MAX_VALUE);
    }

    /** The next field name of the current object without a table, or null at its end (the root object). */
    String nextName() throws ControlException {
        JsonToken t = token();
        if (t == JsonToken.END_OBJECT) {
            depth--;
            return null;
        }
        try {
            names[depth - 1] = p.currentName();
            return names[depth - 1];
        } catch (IOException e) {
            throw error(ControlError.MALFORMED_JSON, describe(e));
        }
    }

    ControlException unknownCode(long code, String valid) {
        return error(ControlError.INVALID_VALUE, "unknown value " + code + " (want " + valid + ")");
    }

    /** After the root value: nothing but whitespace may follow. */
    void end() throws ControlException {
        try {
            JsonToken t = p.nextToken();
            if (t != null) {
                throw new ControlException(ControlError.MALFORMED_JSON, "", "trailing data after the command");
            }
        } catch (StreamConstraintsException e) {
            throw new ControlException(ControlError.MALFORMED_JSON, "", "parser limit: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ControlException(ControlError.MALFORMED_JSON, "", "trailing data after the command: " + describe(e));
        }
    }

}
