package dev.microseg.model.compile;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one batch of changes did to the compiled policies of a tenant.
 *
 * @param recompiled ids of the workloads the change touched and that were compiled again
 * @param changed    the new policy of every recompiled workload whose policy differs from before
 *                   (a new workload counts as changed); what a node must be sent
 * @param removed    ids of workloads whose policy is gone because the workload is
 */
public record CompileDelta(SortedSet<String> recompiled, SortedMap<String, WorkloadPolicy> changed, SortedSet<String> removed) {
    public CompileDelta {
        recompiled = Collections.unmodifiableSortedSet(new TreeSet<>(recompiled));
        changed = Collections.unmodifiableSortedMap(new TreeMap<>(changed));
        removed = Collections.unmodifiableSortedSet(new TreeSet<>(removed));
    }

    /** Whether nothing needs to be sent to any node. */
    public boolean isEmpty() {
        return changed.isEmpty() && removed.isEmpty();
    }
}
