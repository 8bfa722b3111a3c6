package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * {@code {"ctrl_sync": {"gen": 12, "phase": 1}}} (microseg extension): brackets a full state replay.
 * An agent that restarts while the dp keeps running has forgotten which workloads it announced; it
 * sends phase 1 (begin), replays every endpoint, internal net and policy, then phase 2 (end) with the
 * same {@code gen}, and the dp removes whatever the replay did not mention (mark and sweep). Until the
 * end the dp keeps enforcing what it had, so a replay opens no gap.
 *
 * @param gen   u32 replay generation; an end whose gen differs from the open begin is refused
 * @param phase begin or end
 */
public record CtrlSync(long gen, SyncPhase phase) implements ControlCommand {
    public static final String KEY = "ctrl_sync";

    public CtrlSync {
        Check.u32("gen", gen);
        Objects.requireNonNull(Check.present("phase", phase));
    }

    @Override
    public String key() {
        return KEY;
    }
}
