package dev.microseg.api.policy;

import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.app.Application;
import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortSpec;
import dev.microseg.model.policy.RuleAction;

import java.util.ArrayList;
import java.util.List;

/** A validated rule in canonical form (tenant-model's {@link PolicyRule}). */
public record RuleDef(PolicyRule rule) {

    /** Validates a body; {@code pathId} is the id in the URL for PUT, else null. */
    public static RuleDef validate(RuleBody b, Long pathId) {
        try {
            Long id = b.id();
            if (pathId != null) {
                if (id != null && !id.equals(pathId)) {
                    throw new InvalidFieldException("id", id + " differs from the id in the path (" + pathId + ")");
                }
                id = pathId;
            } else if (id == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, "id", "required: a number between 1 and " + PolicyRule.MAX_ID);
            }
            if (b.from() == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, "from", "required: the client group's name");
            }
            if (b.to() == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, "to", "required: the server group's name");
            }
            if (b.action() == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, "action", "required: allow or deny");
            }
            PortSpec ports = b.ports() == null ? PortSpec.ANY : PortSpec.parse("ports", b.ports());
            List<Application> apps = applications(b.applications());
            return new RuleDef(new PolicyRule(id, b.from(), b.to(), ports, apps, RuleAction.parse("action", b.action()),
                    b.disabled() != null && b.disabled(), b.comment()));
        } catch (InvalidFieldException e) {
            throw ApiException.invalid(e);
        }
    }

    /**
     * Checks each name on its own first so the error points at the right index
     * ({@code ApplicationRegistry.parseList} reports the index among distinct names seen so far).
     */
    private static List<Application> applications(List<String> names) {
        if (names == null) {
            return List.of();
        }
        List<String> clean = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null) {
                throw new InvalidFieldException("applications[" + i + "]", "must be an application name, not null");
            }
            if (!n.strip().equalsIgnoreCase("any") && ApplicationRegistry.byName(n).isEmpty()) {
                throw new InvalidFieldException("applications[" + i + "]", "unknown application '" + n + "'; known: "
                        + String.join(", ", ApplicationRegistry.all().stream().map(Application::name).toList()));
            }
            clean.add(n);
        }
        return ApplicationRegistry.parseList("applications", clean);
    }

    public long id() {
        return rule.id();
    }

    /** Canonical body: what revisions store and what {@link #validate} accepts back. */
    public RuleBody toBody() {
        return new RuleBody(rule.id(), rule.from(), rule.to(), rule.ports().toString(),
                rule.applications().stream().map(Application::name).toList(), rule.action().token(), rule.disabled(), rule.comment());
    }
}
