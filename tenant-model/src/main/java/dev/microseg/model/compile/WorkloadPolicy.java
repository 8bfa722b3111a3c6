package dev.microseg.model.compile;

import dev.microseg.model.group.PolicyMode;

import java.util.List;
import java.util.Objects;

/**
 * A workload's compiled policy: what a node turns into one {@code ctrl_cfg_policy} for the
 * workload's endpoint ({@code defact} = {@link #defaultAction}, {@code rules} = {@link #rules}).
 * Equal inputs give equal records with equal {@link #toString()}, so nodes and the control plane
 * can compare policies instead of re-sending them.
 *
 * @param workloadId    the workload
 * @param mode          Protect if any of its groups is in Protect, else Monitor
 * @param defaultAction what happens to traffic no rule matches ({@link DpAction#defaultFor})
 * @param rules         data-plane rules in {@link DpRule#ORDER}
 * @param groups        names of the selector groups the workload belongs to, sorted; empty
 *                      means the workload is in no group (Monitor, nothing allowed: every
 *                      connection is reported), which the console shows rather than hides
 */
public record WorkloadPolicy(String workloadId, PolicyMode mode, DpAction defaultAction, List<DpRule> rules, List<String> groups) {
    public WorkloadPolicy {
        Objects.requireNonNull(workloadId, "workloadId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(defaultAction, "defaultAction");
        rules = List.copyOf(rules);
        groups = List.copyOf(groups);
    }

    /** Whether the workload belongs to at least one group. */
    public boolean grouped() {
        return !groups.isEmpty();
    }
}
