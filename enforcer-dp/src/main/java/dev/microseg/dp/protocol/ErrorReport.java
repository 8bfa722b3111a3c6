package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * Kind 6: the dp refused a command. Sent to the command's sender so the agent learns of the refusal
 * (and, for a policy, re-sends it).
 *
 * @param error   why, with its stable code
 * @param command the command's top-level key, empty if the datagram had none (at most 64 ASCII bytes)
 * @param path    JSON path of the bad field, empty if none (truncated to 512 UTF-8 bytes)
 * @param reason  the reason (truncated to 512 UTF-8 bytes)
 */
public record ErrorReport(ControlError error, String command, String path, String reason) implements Report {
    public ErrorReport {
        Objects.requireNonNull(Check.present("error", error));
        Check.present("command", command);
        if (command.length() > MAX_COMMAND || !command.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new InvalidFieldException("command", "not a command key: " + Text.quote(command));
        }
        path = Text.truncateUtf8(Check.present("path", path), ProtocolLimits.MAX_ERROR_TEXT);
        reason = Text.truncateUtf8(Check.present("reason", reason), ProtocolLimits.MAX_ERROR_TEXT);
    }

    /** Longest command key carried (ours: the longest key is 21 characters). */
    public static final int MAX_COMMAND = 64;

    /** The report for a refused command. */
    public static ErrorReport of(String command, ControlException e) {
        return new ErrorReport(e.error(), command == null ? "" : command, e.path(), e.reason());
    }

    @Override
    public ReportKind kind() {
        return ReportKind.ERROR;
    }
}
