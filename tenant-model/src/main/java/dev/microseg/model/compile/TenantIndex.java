package dev.microseg.model.compile;

import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.workload.Workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's compiler inputs with their indexes (memberships both ways, rules by group, merged
 * group addresses), and the changes to them. Each change adds to {@code touched} the ids of the
 * workloads whose policy it may alter, by the rules listed on {@link PolicyCompiler}.
 */
final class TenantIndex {
    final Map<String, Group> groups = new HashMap<>();
    final Map<Long, PolicyRule> rules = new HashMap<>();
    final Map<Long, CompiledRule> compiledRules = new HashMap<>();
    final Map<String, Workload> workloads = new HashMap<>();
    final Memberships memberships = new Memberships();
    final RuleIndex ruleIndex = new RuleIndex();
    final GroupAddresses addresses = new GroupAddresses(groups, workloads, memberships);

    /** Bulk load into an empty index: memberships are computed once per group, not per workload. */
    void load(PolicySnapshot snapshot) {
        for (Group g : snapshot.groups()) {
            groups.put(g.name(), g);
        }
        for (PolicyRule r : snapshot.rules()) {
            rules.put(r.id(), r);
            compiledRules.put(r.id(), new CompiledRule(r));
            ruleIndex.add(r);
        }
        for (Workload w : snapshot.workloads()) {
            workloads.put(w.id(), w);
            memberships.indexLabels(w);
        }
        for (Group g : snapshot.groups()) {
            if (g.membership() instanceof Membership.Selector s) {
                for (String id : memberships.select(s, workloads)) {
                    memberships.join(g.name(), id);
                }
            }
        }
    }

    void putWorkload(Workload w, Set<String> touched) {
        Workload old = workloads.put(w.id(), w);
        if (w.equals(old)) {
            return;
        }
        if (old != null) {
            memberships.unindexLabels(old);
        }
        memberships.indexLabels(w);
        Set<String> before = new HashSet<>(memberships.groupsOf(w.id()));
        Set<String> after = new HashSet<>();
        for (Group g : groups.values()) {
            if (g.membership() instanceof Membership.Selector s && s.matches(w.labels())) {
                after.add(g.name());
            }
        }
        boolean addressesChanged = old == null || !new HashSet<>(old.addresses()).equals(new HashSet<>(w.addresses()));
        Set<String> changedGroups = new HashSet<>();
        for (String g : before) {
            if (!after.contains(g)) {
                memberships.leave(g, w.id());
                changedGroups.add(g);
            } else if (addressesChanged) {
                changedGroups.add(g);
            }
        }
        for (String g : after) {
            if (!before.contains(g)) {
                memberships.join(g, w.id());
                changedGroups.add(g);
            }
        }
        for (String g : changedGroups) {
            addressesChanged(g, touched);
        }
        touched.add(w.id());
    }

    /** Removes a workload; returns whether it existed. */
    boolean removeWorkload(String id, Set<String> touched) {
        Workload old = workloads.remove(id);
        if (old == null) {
            return false;
        }
        memberships.unindexLabels(old);
        Set<String> was = new HashSet<>(memberships.groupsOf(id));
        for (String g : was) {
            memberships.leave(g, id);
        }
        for (String g : was) {
            addressesChanged(g, touched);
        }
        return true;
    }

    void putGroup(Group g, Set<String> touched) {
        Group old = groups.put(g.name(), g);
        if (g.equals(old)) {
            return;
        }
        Set<String> oldMembers = new HashSet<>(memberships.members(g.name()));
        if (old == null || !old.membership().equals(g.membership())) {
            Set<String> newMembers = g.membership() instanceof Membership.Selector s ? memberships.select(s, workloads) : Set.of();
            for (String id : oldMembers) {
                if (!newMembers.contains(id)) {
                    memberships.leave(g.name(), id);
                    touched.add(id);
                }
            }
            for (String id : newMembers) {
                if (!oldMembers.contains(id)) {
                    memberships.join(g.name(), id);
                    touched.add(id);
                }
            }
            if (old == null || old.isAddressGroup() || g.isAddressGroup() || !oldMembers.equals(newMembers)) {
                addressesChanged(g.name(), touched);
            }
        }
        if (old != null && old.mode() != g.mode()) {
            touched.addAll(oldMembers);
            touched.addAll(memberships.members(g.name()));
        }
    }

    /** Removes a group no rule names (checked by {@link BatchCheck}). */
    void removeGroup(String name, Set<String> touched) {
        if (groups.remove(name) == null) {
            return;
        }
        for (String id : new ArrayList<>(memberships.members(name))) {
            memberships.leave(name, id);
            touched.add(id);
        }
        addresses.forget(name);
    }

    void putRule(PolicyRule r, Set<String> touched) {
        PolicyRule old = rules.put(r.id(), r);
        if (old != null && CompiledRule.sameEffect(old, r)) {
            return;
        }
        if (old != null) {
            ruleIndex.remove(old);
            touchSides(old, touched);
        }
        ruleIndex.add(r);
        compiledRules.put(r.id(), new CompiledRule(r));
        touchSides(r, touched);
    }

    void removeRule(long id, Set<String> touched) {
        PolicyRule old = rules.remove(id);
        if (old == null) {
            return;
        }
        ruleIndex.remove(old);
        compiledRules.remove(id);
        touchSides(old, touched);
    }

    private void touchSides(PolicyRule r, Set<String> touched) {
        if (!r.disabled()) {
            touched.addAll(memberships.members(r.from()));
            touched.addAll(memberships.members(r.to()));
        }
    }

    /** Group {@code g}'s address set may have changed: forget its ranges, touch its peers. */
    private void addressesChanged(String g, Set<String> touched) {
        addresses.forget(g);
        touched.addAll(peersOf(g));
    }

    /** Members of the other side of every enabled rule naming {@code g}. */
    private Set<String> peersOf(String g) {
        Set<String> out = new HashSet<>();
        for (long id : ruleIndex.from(g)) {
            PolicyRule r = rules.get(id);
            if (!r.disabled()) {
                out.addAll(memberships.members(r.to()));
            }
        }
        for (long id : ruleIndex.to(g)) {
            PolicyRule r = rules.get(id);
            if (!r.disabled()) {
                out.addAll(memberships.members(r.from()));
            }
        }
        return out;
    }

    PolicySnapshot snapshot() {
        List<Group> g = new ArrayList<>(groups.values());
        g.sort((a, b) -> a.name().compareTo(b.name()));
        List<PolicyRule> r = new ArrayList<>(rules.values());
        r.sort((a, b) -> Long.compare(a.id(), b.id()));
        List<Workload> w = new ArrayList<>(workloads.values());
        w.sort((a, b) -> a.id().compareTo(b.id()));
        return new PolicySnapshot(g, r, w);
    }
}
