package dev.microseg.model.group;

import dev.microseg.model.InvalidFieldException;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the Kubernetes-style selector text used in the console and docs:
 * {@code app=web, env in (prod,stage), tier, !legacy, zone!=eu}. Commas inside parentheses
 * belong to the value list; whitespace is ignored around tokens.
 */
public final class SelectorParser {
    /** Longest selector text accepted; 32 criteria of generous length fit. */
    public static final int MAX_LENGTH = 8192;

    private SelectorParser() {
    }

    public static Membership.Selector parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return new Membership.Selector(List.of());
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidFieldException(field, "must be at most " + MAX_LENGTH + " characters");
        }
        List<Criterion> out = new ArrayList<>();
        for (String part : splitTopLevel(field, text)) {
            try {
                out.add(parseOne(part.strip()));
            } catch (InvalidFieldException e) {
                throw new InvalidFieldException(field, "'" + part.strip() + "': " + e.reason());
            }
            if (out.size() > Membership.Selector.MAX_CRITERIA) {
                throw new InvalidFieldException(field, "at most " + Membership.Selector.MAX_CRITERIA + " criteria");
            }
        }
        return new Membership.Selector(out);
    }

    private static List<String> splitTopLevel(String field, String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new InvalidFieldException(field, "unbalanced ')' at position " + i);
                }
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new InvalidFieldException(field, "unbalanced '(': a value list is not closed");
        }
        parts.add(text.substring(start));
        for (String p : parts) {
            if (p.isBlank()) {
                throw new InvalidFieldException(field, "has an empty criterion (two commas, or a trailing comma)");
            }
        }
        return parts;
    }

    /**
     * One criterion. The operator is decided by whichever of {@code (} and {@code =} comes first,
     * so a value list holding an {@code =} is reported as a bad value rather than misread as
     * {@code key=value}. An empty value list ({@code in ()}) is an error, as in Kubernetes'
     * {@code labels.Parse} ("values set can't be empty").
     */
    private static Criterion parseOne(String s) {
        int paren = s.indexOf('(');
        int eq = s.indexOf('=');
        if (s.startsWith("!") && paren < 0 && eq < 0) {
            return new Criterion(s.substring(1).strip(), Criterion.Op.NOT_EXISTS, List.of());
        }
        if (paren >= 0 && (eq < 0 || paren < eq)) {
            return parseValueList(s, paren);
        }
        if (eq >= 0) {
            if (eq > 0 && s.charAt(eq - 1) == '!') {
                return new Criterion(s.substring(0, eq - 1).strip(), Criterion.Op.NOT_EQUALS, List.of(s.substring(eq + 1).strip()));
            }
            int valueStart = s.startsWith("==", eq) ? eq + 2 : eq + 1;
            return new Criterion(s.substring(0, eq).strip(), Criterion.Op.EQUALS, List.of(s.substring(valueStart).strip()));
        }
        return new Criterion(s, Criterion.Op.EXISTS, List.of());
    }

    private static Criterion parseValueList(String s, int paren) {
        if (!s.endsWith(")")) {
            throw new InvalidFieldException("value", "text after the value list");
        }
        String head = s.substring(0, paren).strip();
        int space = head.lastIndexOf(' ');
        if (space < 0) {
            throw new InvalidFieldException("op", "expected 'key in (...)' or 'key notin (...)'");
        }
        Criterion.Op op = Criterion.Op.parse("op", head.substring(space + 1));
        if (op != Criterion.Op.IN && op != Criterion.Op.NOT_IN) {
            throw new InvalidFieldException("op", "a value list needs 'in' or 'notin'");
        }
        String inner = s.substring(paren + 1, s.length() - 1);
        if (inner.isBlank()) {
            throw new InvalidFieldException("value", "operator " + op.symbol() + " takes at least one value");
        }
        List<String> values = new ArrayList<>();
        for (String v : inner.split(",", -1)) {
            values.add(v.strip());
        }
        return new Criterion(head.substring(0, space).strip(), op, values);
    }
}
