package dev.microseg.model.group;

import dev.microseg.model.net.Cidr;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * How a group picks its members: workloads by label selector, or addresses outside the cluster
 * by CIDR (an address group). A group is one or the other, never both, so that "which
 * addresses does this rule cover" always has one simple answer.
 */
public sealed interface Membership permits Membership.Selector, Membership.Addresses {
    /** Bound on CIDRs of one address group. */
    int MAX_CIDRS = 1024;

    /**
     * Workloads whose labels satisfy every criterion (a logical AND). An empty selector
     * matches no workload: a group without criteria is a named placeholder, never "everything".
     */
    record Selector(List<Criterion> criteria) implements Membership {
        /** Bound on criteria of one selector. */
        public static final int MAX_CRITERIA = 32;

        public Selector {
            criteria = criteria == null ? List.of() : List.copyOf(criteria);
            if (criteria.size() > MAX_CRITERIA) {
                throw new dev.microseg.model.InvalidFieldException("criteria", "at most " + MAX_CRITERIA + " criteria");
            }
        }

        public boolean matches(Map<String, String> labels) {
            if (criteria.isEmpty()) {
                return false;
            }
            for (Criterion c : criteria) {
                if (!c.matches(labels)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return String.join(", ", criteria.stream().map(Criterion::toString).toList());
        }
    }

    /** Addresses outside the cluster, e.g. a database subnet or the internet ({@code 0.0.0.0/0}). */
    record Addresses(List<Cidr> cidrs) implements Membership {
        public Addresses {
            cidrs = cidrs == null ? List.of() : List.copyOf(cidrs);
            if (cidrs.isEmpty()) {
                throw new dev.microseg.model.InvalidFieldException("cidrs", "an address group needs at least one CIDR");
            }
            if (cidrs.size() > MAX_CIDRS) {
                throw new dev.microseg.model.InvalidFieldException("cidrs", "at most " + MAX_CIDRS + " CIDRs");
            }
        }

        public boolean contains(InetAddress address) {
            for (Cidr c : cidrs) {
                if (c.contains(address)) {
                    return true;
                }
            }
            return false;
        }
    }
}
