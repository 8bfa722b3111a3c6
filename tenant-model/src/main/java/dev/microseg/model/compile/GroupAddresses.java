package dev.microseg.model.compile;

import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import dev.microseg.model.net.AddressRange;
import dev.microseg.model.net.AddressRanges;
import dev.microseg.model.net.Cidr;
import dev.microseg.model.workload.Workload;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each group's member addresses as merged ranges, computed on first use and kept until a change
 * may alter them. Every workload with a rule naming the group reads the same list, so a group of
 * N members costs one merge per change, not one per peer workload.
 */
final class GroupAddresses {
    private final Map<String, Group> groups;
    private final Map<String, Workload> workloads;
    private final Memberships memberships;
    private final Map<String, List<AddressRange>> cache = new HashMap<>();

    GroupAddresses(Map<String, Group> groups, Map<String, Workload> workloads, Memberships memberships) {
        this.groups = groups;
        this.workloads = workloads;
        this.memberships = memberships;
    }

    /** The group's addresses, sorted IPv4 first and merged. */
    List<AddressRange> of(String group) {
        List<AddressRange> r = cache.get(group);
        if (r == null) {
            r = switch (groups.get(group).membership()) {
                case Membership.Selector s -> {
                    List<InetAddress> addresses = new ArrayList<>();
                    for (String id : memberships.members(group)) {
                        addresses.addAll(workloads.get(id).addresses());
                    }
                    yield AddressRanges.ofAddresses(addresses);
                }
                case Membership.Addresses a -> AddressRanges.merge(a.cidrs().stream().map(Cidr::toRange).toList());
            };
            cache.put(group, r);
        }
        return r;
    }

    void forget(String group) {
        cache.remove(group);
    }
}
