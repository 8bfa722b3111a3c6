package dev.microseg.model.compile;

import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.group.Group;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.workload.Workload;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the compiler reads for one tenant, checked for consistency: names and ids are
 * unique, and every rule names groups that exist.
 *
 * @param groups    the tenant's groups
 * @param rules     the tenant's rules, enabled or not
 * @param workloads the tenant's workloads as nodes reported them
 */
public record PolicySnapshot(List<Group> groups, List<PolicyRule> rules, List<Workload> workloads) {
    public PolicySnapshot {
        groups = List.copyOf(groups);
        rules = List.copyOf(rules);
        workloads = List.copyOf(workloads);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            if (!names.add(groups.get(i).name())) {
                throw new InvalidFieldException("groups[" + i + "].name", "duplicate group name '" + groups.get(i).name() + "'");
            }
        }
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            PolicyRule r = rules.get(i);
            if (!ids.add(r.id())) {
                throw new InvalidFieldException("rules[" + i + "].id", "duplicate rule id " + r.id());
            }
            requireGroups(r, names);
        }
        Set<String> workloadIds = new HashSet<>();
        for (int i = 0; i < workloads.size(); i++) {
            if (!workloadIds.add(workloads.get(i).id())) {
                throw new InvalidFieldException("workloads[" + i + "].id", "duplicate workload id '" + workloads.get(i).id() + "'");
            }
        }
    }

    /** A rule must name existing groups: the error names {@code from} or {@code to} and the group. */
    static void requireGroups(PolicyRule r, Set<String> groupNames) {
        if (!groupNames.contains(r.from())) {
            throw missingGroup("from", r);
        }
        if (!groupNames.contains(r.to())) {
            throw missingGroup("to", r);
        }
    }

    static InvalidFieldException missingGroup(String field, PolicyRule r) {
        String group = field.equals("from") ? r.from() : r.to();
        return new InvalidFieldException(field, "group '" + group + "' does not exist (rule " + r.id() + ")");
    }

    /** Groups by name, for callers that look groups up repeatedly. */
    public Map<String, Group> groupsByName() {
        Map<String, Group> m = new HashMap<>();
        for (Group g : groups) {
            m.put(g.name(), g);
        }
        return m;
    }
}
