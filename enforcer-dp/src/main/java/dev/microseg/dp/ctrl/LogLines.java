package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.ControlException;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The control server's structured log lines (key=value, peer-controlled text escaped). */
final class LogLines {
    /** A refused datagram's reason is cut here in the log (the error report carries up to 512 bytes). */
    private static final int MAX_REASON = 300;

    private LogLines() {
    }

    static String refused(String event, String command, ControlException e, int len, AFUNIXSocketAddress from) {
        String reason = e.reason().length() > MAX_REASON ? e.reason().substring(0, MAX_REASON) + "..." : e.reason();
        return "event=" + event + (command.isEmpty() ? "" : " command=" + command) + " error=" + e.error()
                + " path=" + (e.path().isEmpty() ? "-" : escape(e.path(), true)) + " reason=\"" + escape(reason, false)
                + "\" bytes=" + len + " from=" + name(from);
    }

    /**
     * Keeps a peer's bytes from forging log lines or fields: control characters, quotes and backslashes
     * (and, outside quotes, spaces) become {@code \\uXXXX}. A JSON field name may contain any of them.
     */
    static String escape(String s, boolean bare) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c == 0x7f || c == '"' || c == '\\' || (bare && c == ' ');
            if (bad && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (bad) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    static String name(AFUNIXSocketAddress a) {
        if (a == null) {
            return "-";
        }
        try {
            return a.getPath().isEmpty() ? "-" : a.getPath();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
