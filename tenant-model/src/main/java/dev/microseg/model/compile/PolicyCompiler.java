package dev.microseg.model.compile;

import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.net.AddressRange;
import dev.microseg.model.net.AddressRanges;
import dev.microseg.model.workload.Workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles a tenant's groups and rules into per-workload data-plane policies, and keeps them
 * current as the inputs change, recompiling only the workloads a change touches.
 *
 * <h2>What a workload gets</h2>
 * For a workload W and an enabled rule R from group F to group T: if W is in F, R gives egress
 * rules from each of W's address ranges to T's member addresses; if W is in T, ingress rules from
 * F's member addresses to W's; both if W is in both. A selector group's member addresses are the
 * addresses of the workloads it matches; an address group's are its CIDRs. Addresses are merged
 * into the fewest ranges, IPv4 is never paired with IPv6, and each protocol/port range of the
 * rule's spec gives its own data-plane rule. {@code icmp} is ICMP between IPv4 addresses and ICMPv6
 * between IPv6 addresses; {@code icmpv6} applies to IPv6 only.
 * W's mode is Protect if any group it is in is in Protect, else Monitor (also when it is in no
 * group: then it has no rules and everything it does is reported, see
 * {@link WorkloadPolicy#groups()}). Actions map through {@link DpAction#forRule} and
 * {@link DpAction#defaultFor}. Rules come out in {@link DpRule#ORDER}, lower rule id first.
 *
 * <h2>What a change touches</h2>
 * <ul>
 * <li>A workload put: itself; and when it joins or leaves a group, or its addresses change, the
 *     <em>peers</em> of each group whose address set so changes.</li>
 * <li>A workload removed: the peers of each group it was in.</li>
 * <li>A group put: workloads that join or leave it; all its members if its mode changes; its
 *     peers if its address set changes. A comment-only change touches nothing.</li>
 * <li>A group removed: its former members (it has no rules, or the removal is refused).</li>
 * <li>A rule put or removed: the members of both sides of the old and the new version, where
 *     enabled. A comment-only change touches nothing.</li>
 * </ul>
 * The peers of a group G are the members of the other side of every enabled rule that names G:
 * their policies embed G's addresses. Group memberships, the group → rules index and each
 * group's merged addresses are kept between changes, so compiling one workload reads only its
 * own groups' rules and never scans the tenant.
 *
 * <p>Not thread-safe: one instance per tenant, changes applied by one thread at a time.
 */
public final class PolicyCompiler {
    private static final int EGRESS = 1;
    private static final int INGRESS = 2;

    private final TenantIndex index = new TenantIndex();
    private final Map<String, WorkloadPolicy> compiled = new HashMap<>();

    private PolicyCompiler() {
    }

    /** A compiler for a tenant with nothing yet. */
    public static PolicyCompiler empty() {
        return new PolicyCompiler();
    }

    /** Indexes {@code snapshot} and compiles every workload's policy. */
    public static PolicyCompiler create(PolicySnapshot snapshot) {
        PolicyCompiler c = new PolicyCompiler();
        c.index.load(snapshot);
        for (String id : c.index.workloads.keySet()) {
            c.compiled.put(id, c.compile(id));
        }
        return c;
    }

    /** Applies one change; see {@link #apply(List)}. */
    public CompileDelta apply(PolicyChange change) {
        return apply(List.of(change));
    }

    /**
     * Applies a batch of changes and recompiles the workloads they touch, each once. The batch is
     * checked first: if any change is refused (a rule naming a missing group, removing a group a
     * rule still names) nothing is applied.
     *
     * @throws dev.microseg.model.InvalidFieldException naming {@code from}, {@code to} or {@code name}
     */
    public CompileDelta apply(List<? extends PolicyChange> changes) {
        new BatchCheck(index.groups.keySet(), index.ruleIndex).check(changes);
        Set<String> touched = new HashSet<>();
        Set<String> gone = new HashSet<>();
        for (PolicyChange change : changes) {
            switch (change) {
                case PolicyChange.PutWorkload p -> index.putWorkload(p.workload(), touched);
                case PolicyChange.RemoveWorkload r -> {
                    if (index.removeWorkload(r.workloadId(), touched)) {
                        gone.add(r.workloadId());
                    }
                }
                case PolicyChange.PutGroup p -> index.putGroup(p.group(), touched);
                case PolicyChange.RemoveGroup r -> index.removeGroup(r.name(), touched);
                case PolicyChange.PutRule p -> index.putRule(p.rule(), touched);
                case PolicyChange.RemoveRule r -> index.removeRule(r.ruleId(), touched);
            }
        }
        SortedSet<String> recompiled = new TreeSet<>();
        SortedMap<String, WorkloadPolicy> changed = new TreeMap<>();
        for (String id : touched) {
            if (index.workloads.containsKey(id)) {
                WorkloadPolicy p = compile(id);
                recompiled.add(id);
                if (!p.equals(compiled.put(id, p))) {
                    changed.put(id, p);
                }
            }
        }
        SortedSet<String> removed = new TreeSet<>();
        for (String id : gone) {
            if (!index.workloads.containsKey(id) && compiled.remove(id) != null) {
                removed.add(id);
            }
        }
        return new CompileDelta(recompiled, changed, removed);
    }

    /**
     * Compiles one workload's policy from the current inputs (without recording it). Reads only
     * the workload's groups, their rules and the peer groups' cached address ranges.
     *
     * @throws NoSuchElementException if the workload is unknown
     */
    public WorkloadPolicy compile(String workloadId) {
        Workload w = index.workloads.get(workloadId);
        if (w == null) {
            throw new NoSuchElementException("unknown workload '" + workloadId + "'");
        }
        List<String> names = new ArrayList<>(index.memberships.groupsOf(workloadId));
        Collections.sort(names);
        PolicyMode mode = PolicyMode.MONITOR;
        TreeMap<Long, Integer> sides = new TreeMap<>();
        for (String g : names) {
            if (index.groups.get(g).mode() == PolicyMode.PROTECT) {
                mode = PolicyMode.PROTECT;
            }
            for (long id : index.ruleIndex.from(g)) {
                sides.merge(id, EGRESS, (a, b) -> a | b);
            }
            for (long id : index.ruleIndex.to(g)) {
                sides.merge(id, INGRESS, (a, b) -> a | b);
            }
        }
        List<AddressRange> own = AddressRanges.ofAddresses(w.addresses());
        List<DpRule> out = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : sides.entrySet()) {
            CompiledRule cr = index.compiledRules.get(e.getKey());
            if (cr.rule.disabled()) {
                continue;
            }
            DpAction action = DpAction.forRule(cr.rule.action(), mode);
            if ((e.getValue() & EGRESS) != 0) {
                cr.emit(action, own, index.addresses.of(cr.rule.to()), false, out);
            }
            if ((e.getValue() & INGRESS) != 0) {
                cr.emit(action, index.addresses.of(cr.rule.from()), own, true, out);
            }
        }
        return new WorkloadPolicy(workloadId, mode, DpAction.defaultFor(mode), out, names);
    }

    /** The last compiled policy of a workload. */
    public Optional<WorkloadPolicy> policy(String workloadId) {
        return Optional.ofNullable(compiled.get(workloadId));
    }

    /** Every workload's last compiled policy, by workload id. */
    public SortedMap<String, WorkloadPolicy> policies() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(compiled));
    }

    /** Ids of the workloads in no group (Monitor, no rules): worth showing to the tenant. */
    public SortedSet<String> ungrouped() {
        SortedSet<String> out = new TreeSet<>();
        for (String id : index.workloads.keySet()) {
            if (index.memberships.groupsOf(id).isEmpty()) {
                out.add(id);
            }
        }
        return out;
    }

    /** Ids of the workloads a selector group matches now (empty for address groups). */
    public SortedSet<String> members(String group) {
        return new TreeSet<>(index.memberships.members(group));
    }

    /** The current inputs, sorted by name or id. */
    public PolicySnapshot snapshot() {
        return index.snapshot();
    }
}
