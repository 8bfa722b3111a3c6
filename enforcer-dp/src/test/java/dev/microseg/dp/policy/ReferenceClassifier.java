package dev.microseg.dp.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The specification as a linear scan: obviously right, and as slow as the number of rules. */
final class ReferenceClassifier {
    private final List<ClassifierRule> rules;
    private final Action defaultAction;
    private final PolicyDirection direction;

    ReferenceClassifier(List<ClassifierRule> rules, Action defaultAction, PolicyDirection direction) {
        this.rules = new ArrayList<>(rules);
        this.rules.sort(Comparator.comparingInt(ClassifierRule::id));
        this.defaultAction = defaultAction;
        this.direction = direction;
    }

    Decision lookup(boolean ingress, long sHi, long sLo, long dHi, long dLo, int proto, int port, int app) {
        if (ingress ? direction == PolicyDirection.EGRESS : direction == PolicyDirection.INGRESS) {
            return Decision.UNENFORCED;
        }
        for (ClassifierRule r : rules) {
            if (r.ingress() != ingress || !r.matchesAddresses(sHi, sLo, dHi, dLo) || !r.matchesL4(proto, port)) {
                continue;
            }
            if (r.apps().isEmpty()) {
                return new Decision(Decision.Kind.RULE, r.id(), r.action(), 0);
            }
            if (app == Classifier.APP_UNKNOWN) {
                return new Decision(Decision.Kind.NEEDS_APPLICATION, r.id(), r.action(), 0);
            }
            for (AppRule a : r.apps()) {
                if (a.appId() == app) {
                    return new Decision(Decision.Kind.APPLICATION, a.ruleId(), a.action(), a.appId());
                }
            }
        }
        return new Decision(Decision.Kind.DEFAULT, 0, defaultAction, 0);
    }
}
