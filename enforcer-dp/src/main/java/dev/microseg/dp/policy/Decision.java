package dev.microseg.dp.policy;

/**
 * The classifier's answer. Instances are built once at compile time (one per rule, per app entry
 * and per default), so a lookup allocates nothing and identity comparison is safe within one
 * compiled {@link Classifier}.
 *
 * @param kind what decided
 * @param ruleId the rule to report: the rule's id, the app entry's {@code rid}, or 0 for the default
 * @param action what to do; for {@link Kind#NEEDS_APPLICATION} the L3/L4 rule's own action, informative only
 * @param appId the application an {@link Kind#APPLICATION} decision matched, else 0
 */
public record Decision(Kind kind, int ruleId, Action action, int appId) {
    public enum Kind {
        /** A rule without applications matched. */
        RULE,
        /** A rule matched through one of its {@code apps} entries. */
        APPLICATION,
        /** The best L3/L4 match depends on the application, which is not known yet: keep inspecting. */
        NEEDS_APPLICATION,
        /** No rule matched: the policy's default action. */
        DEFAULT,
        /** The policy does not cover this direction ({@code dir}): nothing is enforced. */
        UNENFORCED
    }

    public static final Decision UNENFORCED = new Decision(Kind.UNENFORCED, 0, Action.ALLOW, 0);
}
