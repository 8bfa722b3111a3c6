package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * One entry of a rule's {@code apps}: once DPI identifies application {@code app} on a session the
 * rule matched, {@code action} applies under rule id {@code rid}.
 *
 * @param rid    u32 rule id reported for this application
 * @param app    u32 application id (the dp's DPI ids, e.g. HTTP)
 * @param action what to do with it
 */
public record RuleApp(long rid, long app, RuleAction action) {
    public RuleApp {
        Check.u32("rid", rid);
        Check.u32("app", app);
        Objects.requireNonNull(Check.present("action", action));
    }
}
