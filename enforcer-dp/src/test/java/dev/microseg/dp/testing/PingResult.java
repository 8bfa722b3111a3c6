package dev.microseg.dp.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code ping -q} reported: packets transmitted and received, and its output. */
public record PingResult(int transmitted, int received, String output) {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");

    static PingResult parse(int requested, String output) {
        Matcher m = SUMMARY.matcher(output);
        if (m.find()) {
            return new PingResult(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), output);
        }
        return new PingResult(requested, 0, output);
    }

    public boolean allReceived() {
        return transmitted > 0 && received == transmitted;
    }
}
