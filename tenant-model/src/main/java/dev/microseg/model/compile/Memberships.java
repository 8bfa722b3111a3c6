package dev.microseg.model.compile;

import dev.microseg.model.group.Criterion;
import dev.microseg.model.group.Membership;
import dev.microseg.model.workload.Workload;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which workloads are in which selector group, both ways, plus an inverted label index
 * ({@code key → value → workloads}) so that evaluating a new or changed selector visits only the
 * workloads carrying one of its required labels instead of the whole tenant.
 */
final class Memberships {
    private final Map<String, Map<String, Set<String>>> labelIndex = new HashMap<>();
    private final Map<String, Set<String>> membersByGroup = new HashMap<>();
    private final Map<String, Set<String>> groupsByWorkload = new HashMap<>();

    void indexLabels(Workload w) {
        for (Map.Entry<String, String> e : w.labels().entrySet()) {
            labelIndex.computeIfAbsent(e.getKey(), k -> new HashMap<>()).computeIfAbsent(e.getValue(), v -> new HashSet<>()).add(w.id());
        }
    }

    void unindexLabels(Workload w) {
        for (Map.Entry<String, String> e : w.labels().entrySet()) {
            Map<String, Set<String>> byValue = labelIndex.get(e.getKey());
            Set<String> ids = byValue.get(e.getValue());
            ids.remove(w.id());
            if (ids.isEmpty()) {
                byValue.remove(e.getValue());
                if (byValue.isEmpty()) {
                    labelIndex.remove(e.getKey());
                }
            }
        }
    }

    /**
     * The ids of the workloads {@code selector} matches. Candidates come from the most selective
     * criterion that requires a label ({@code =}, {@code in}, exists); a selector made only of
     * negations has to look at every workload.
     */
    Set<String> select(Membership.Selector selector, Map<String, Workload> workloads) {
        Set<String> out = new HashSet<>();
        if (selector.criteria().isEmpty()) {
            return out;
        }
        Collection<String> candidates = null;
        for (Criterion c : selector.criteria()) {
            Collection<String> ids = switch (c.op()) {
                case EQUALS, IN -> postings(c.key(), c.values());
                case EXISTS -> postings(c.key(), null);
                case NOT_EQUALS, NOT_IN, NOT_EXISTS -> null;
            };
            if (ids != null && (candidates == null || ids.size() < candidates.size())) {
                candidates = ids;
            }
        }
        if (candidates == null) {
            candidates = workloads.keySet();
        }
        for (String id : candidates) {
            if (selector.matches(workloads.get(id).labels())) {
                out.add(id);
            }
        }
        return out;
    }

    private Set<String> postings(String key, Collection<String> values) {
        Map<String, Set<String>> byValue = labelIndex.getOrDefault(key, Map.of());
        Set<String> out = new HashSet<>();
        for (Map.Entry<String, Set<String>> e : byValue.entrySet()) {
            if (values == null || values.contains(e.getKey())) {
                out.addAll(e.getValue());
            }
        }
        return out;
    }

    Set<String> members(String group) {
        return membersByGroup.getOrDefault(group, Set.of());
    }

    Set<String> groupsOf(String workloadId) {
        return groupsByWorkload.getOrDefault(workloadId, Set.of());
    }

    void join(String group, String workloadId) {
        membersByGroup.computeIfAbsent(group, g -> new HashSet<>()).add(workloadId);
        groupsByWorkload.computeIfAbsent(workloadId, w -> new HashSet<>()).add(group);
    }

    void leave(String group, String workloadId) {
        Set<String> m = membersByGroup.get(group);
        if (m != null && m.remove(workloadId) && m.isEmpty()) {
            membersByGroup.remove(group);
        }
        Set<String> g = groupsByWorkload.get(workloadId);
        if (g != null && g.remove(group) && g.isEmpty()) {
            groupsByWorkload.remove(workloadId);
        }
    }
}
