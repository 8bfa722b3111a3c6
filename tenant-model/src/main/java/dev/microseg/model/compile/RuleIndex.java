package dev.microseg.model.compile;

import dev.microseg.model.policy.PolicyRule;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Rule ids by the group on each side, so a workload's rules come from its groups, not a scan. */
final class RuleIndex {
    private final Map<String, Set<Long>> byFrom = new HashMap<>();
    private final Map<String, Set<Long>> byTo = new HashMap<>();

    void add(PolicyRule r) {
        byFrom.computeIfAbsent(r.from(), g -> new HashSet<>()).add(r.id());
        byTo.computeIfAbsent(r.to(), g -> new HashSet<>()).add(r.id());
    }

    void remove(PolicyRule r) {
        drop(byFrom, r.from(), r.id());
        drop(byTo, r.to(), r.id());
    }

    /** Rules (enabled or not) whose {@code from} is {@code group}. */
    Set<Long> from(String group) {
        return byFrom.getOrDefault(group, Set.of());
    }

    /** Rules (enabled or not) whose {@code to} is {@code group}. */
    Set<Long> to(String group) {
        return byTo.getOrDefault(group, Set.of());
    }

    private static void drop(Map<String, Set<Long>> index, String group, long id) {
        Set<Long> ids = index.get(group);
        if (ids != null && ids.remove(id) && ids.isEmpty()) {
            index.remove(group);
        }
    }
}
