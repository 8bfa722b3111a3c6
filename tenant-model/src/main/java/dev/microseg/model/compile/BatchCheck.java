package dev.microseg.model.compile;

import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.policy.PolicyRule;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Checks a batch of changes in order against the compiler's current names plus what the batch
 * itself puts and removes, without touching the compiler, so that a refused batch leaves the
 * compiler exactly as it was.
 */
final class BatchCheck {
    private final Set<String> groupNames;
    private final RuleIndex index;
    /** Group name → exists after the changes seen so far. */
    private final Map<String, Boolean> groupOverlay = new HashMap<>();
    /** Rule id → the rule after the changes seen so far (empty: removed). */
    private final Map<Long, Optional<PolicyRule>> ruleOverlay = new HashMap<>();

    BatchCheck(Set<String> groupNames, RuleIndex index) {
        this.groupNames = groupNames;
        this.index = index;
    }

    void check(List<? extends PolicyChange> changes) {
        for (PolicyChange change : changes) {
            switch (change) {
                case PolicyChange.PutGroup p -> groupOverlay.put(p.group().name(), true);
                case PolicyChange.RemoveGroup r -> {
                    SortedSet<Long> users = usersOf(r.name());
                    if (!users.isEmpty()) {
                        throw new InvalidFieldException("name", "group '" + r.name() + "' is used by rules " + users
                                + "; delete or change them first");
                    }
                    groupOverlay.put(r.name(), false);
                }
                case PolicyChange.PutRule p -> {
                    PolicyRule r = p.rule();
                    if (!exists(r.from())) {
                        throw PolicySnapshot.missingGroup("from", r);
                    }
                    if (!exists(r.to())) {
                        throw PolicySnapshot.missingGroup("to", r);
                    }
                    ruleOverlay.put(r.id(), Optional.of(r));
                }
                case PolicyChange.RemoveRule r -> ruleOverlay.put(r.ruleId(), Optional.empty());
                case PolicyChange.PutWorkload p -> {
                }
                case PolicyChange.RemoveWorkload r -> {
                }
            }
        }
    }

    private boolean exists(String group) {
        Boolean overlaid = groupOverlay.get(group);
        return overlaid != null ? overlaid : groupNames.contains(group);
    }

    /** Ids of the rules that name {@code group} after the changes seen so far. */
    private SortedSet<Long> usersOf(String group) {
        SortedSet<Long> out = new TreeSet<>();
        for (Set<Long> ids : List.of(index.from(group), index.to(group))) {
            for (long id : ids) {
                if (!ruleOverlay.containsKey(id)) {
                    out.add(id);
                }
            }
        }
        for (Optional<PolicyRule> r : ruleOverlay.values()) {
            r.filter(rule -> rule.from().equals(group) || rule.to().equals(group)).ifPresent(rule -> out.add(rule.id()));
        }
        return out;
    }
}
