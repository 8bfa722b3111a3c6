package dev.microseg.model.policy;

import dev.microseg.model.InvalidFieldException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The {@code ports} of a rule: a comma list of {@code any}, {@code tcp}, {@code tcp/80},
 * {@code tcp/8000-8080}, {@code udp/53}, {@code icmp}, {@code icmpv6}, or a bare port or range
 * ({@code 80}, {@code 8000-8080}) meaning TCP and UDP alike. Whitespace and case are ignored.
 *
 * <p>The parsed form is normalised: ranges of one protocol are sorted and merged, and
 * {@code any} absorbs everything else, so two specs that match the same packets print the same.
 */
public record PortSpec(List<PortRange> ranges) {
    /** Bound on comma items; a rule needing more should be split or use a range. */
    public static final int MAX_ITEMS = 64;
    /** Longest accepted text; 64 items of {@code tcp/65535-65535} fit comfortably. */
    public static final int MAX_LENGTH = 2048;

    public static final PortSpec ANY = new PortSpec(List.of(PortRange.all(Protocol.ANY)));

    /** Normalises whatever it is given (see the class comment), so equal specs are equal records. */
    public PortSpec {
        if (ranges == null || ranges.isEmpty()) {
            throw new IllegalArgumentException("a port spec needs at least one range");
        }
        ranges = List.copyOf(normalise(ranges));
    }

    /** Parses {@code text}, naming {@code field} in errors. */
    public static PortSpec parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(field, "must not be empty; use 'any' for every port");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidFieldException(field, "must be at most " + MAX_LENGTH + " characters");
        }
        String[] items = text.split(",", -1);
        if (items.length > MAX_ITEMS) {
            throw new InvalidFieldException(field, "has " + items.length + " items; at most " + MAX_ITEMS + " are allowed");
        }
        List<PortRange> out = new ArrayList<>();
        for (String raw : items) {
            parseItem(field, raw.strip().toLowerCase(Locale.ROOT), out);
        }
        return new PortSpec(out);
    }

    private static void parseItem(String field, String item, List<PortRange> out) {
        if (item.isEmpty()) {
            throw new InvalidFieldException(field, "has an empty item (two commas, or a trailing comma)");
        }
        int slash = item.indexOf('/');
        String protoPart = slash < 0 ? item : item.substring(0, slash).strip();
        String portPart = slash < 0 ? null : item.substring(slash + 1).strip();
        Protocol proto = Protocol.fromToken(protoPart);
        if (proto == null) {
            if (slash < 0 && !protoPart.isEmpty() && Character.isDigit(protoPart.charAt(0))) {
                int[] r = parsePorts(field, item, protoPart);
                out.add(new PortRange(Protocol.TCP, r[0], r[1]));
                out.add(new PortRange(Protocol.UDP, r[0], r[1]));
                return;
            }
            throw new InvalidFieldException(field, "'" + item + "': unknown protocol '" + protoPart
                    + "' (expected any, tcp, udp, icmp or icmpv6)");
        }
        if (portPart == null || portPart.equals("any")) {
            out.add(PortRange.all(proto));
            return;
        }
        if (!proto.hasPorts()) {
            throw new InvalidFieldException(field, "'" + item + "': " + proto.token() + " has no ports");
        }
        int[] r = parsePorts(field, item, portPart);
        out.add(new PortRange(proto, r[0], r[1]));
    }

    private static int[] parsePorts(String field, String item, String ports) {
        int dash = ports.indexOf('-');
        int first = parsePort(field, item, dash < 0 ? ports : ports.substring(0, dash).strip());
        int last = dash < 0 ? first : parsePort(field, item, ports.substring(dash + 1).strip());
        if (first > last) {
            throw new InvalidFieldException(field, "'" + item + "': range start " + first + " is after its end " + last);
        }
        return new int[] {first, last};
    }

    private static int parsePort(String field, String item, String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidFieldException(field, "'" + item + "': '" + s + "' is not a port number");
        }
        int port = Integer.parseInt(s);
        if (port < PortRange.MIN_PORT || port > PortRange.MAX_PORT) {
            throw new InvalidFieldException(field, "'" + item + "': port " + port + " is outside 1-65535");
        }
        return port;
    }

    private static List<PortRange> normalise(List<PortRange> in) {
        if (in.stream().anyMatch(r -> r.protocol() == Protocol.ANY)) {
            return List.of(PortRange.all(Protocol.ANY));
        }
        List<PortRange> sorted = new ArrayList<>(in);
        Collections.sort(sorted);
        List<PortRange> merged = new ArrayList<>();
        for (PortRange r : sorted) {
            PortRange prev = merged.isEmpty() ? null : merged.getLast();
            if (prev != null && prev.protocol() == r.protocol() && r.first() <= prev.last() + 1) {
                merged.set(merged.size() - 1, new PortRange(r.protocol(), prev.first(), Math.max(prev.last(), r.last())));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    /** Whether a packet of {@code proto} to destination {@code port} is covered. */
    public boolean matches(Protocol proto, int port) {
        for (PortRange r : ranges) {
            if (r.matches(proto, port)) {
                return true;
            }
        }
        return false;
    }

    /** Canonical text, e.g. {@code tcp/80,tcp/8000-8080,udp/53}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (PortRange r : ranges) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(r);
        }
        return sb.toString();
    }
}
