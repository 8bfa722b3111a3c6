package dev.microseg.dp.policy;

/**
 * One entry of a rule's {@code apps}: when DPI identifies application {@code appId} on a
 * connection the L3/L4 part of the rule matches, {@code action} applies and {@code ruleId}
 * (the wire's {@code rid}) is the rule reported.
 */
public record AppRule(int ruleId, int appId, Action action) {
    public AppRule {
        if (appId <= Classifier.APP_UNKNOWN) {
            throw new IllegalArgumentException("apps[].app must be a positive application id, was " + appId);
        }
        if (action == null) {
            throw new IllegalArgumentException("apps[].action must be set");
        }
    }
}
