package dev.microseg.model.compile;

import dev.microseg.model.app.ApplicationRegistry;

import java.util.Objects;

/**
 * One entry of a data-plane rule's {@code apps} list ({@code {rid, app, action}}): the rule
 * matches a session only once DPI has identified it as {@code appId}, and then applies
 * {@code action}.
 *
 * @param ruleId the policy rule the entry comes from ({@code rid})
 * @param appId  the application's stable id ({@link ApplicationRegistry})
 * @param action what to do with the application's sessions
 */
public record DpApp(long ruleId, int appId, DpAction action) {
    public DpApp {
        if (appId <= 0) {
            throw new IllegalArgumentException("application id must be positive: " + appId);
        }
        Objects.requireNonNull(action, "action");
    }

    @Override
    public String toString() {
        return ApplicationRegistry.nameOf(appId) + "(" + appId + ")=" + action.name().toLowerCase(java.util.Locale.ROOT);
    }
}
