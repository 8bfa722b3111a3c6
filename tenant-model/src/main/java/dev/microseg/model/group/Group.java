package dev.microseg.model.group;

import dev.microseg.model.Names;

import java.util.Objects;

/**
 * A named set of workloads (by label selector) or of outside addresses (by CIDR), the unit rules
 * are written between. The mode applies to the group's own workloads.
 *
 * @param name       unique per tenant
 * @param mode       Monitor or Protect
 * @param membership selector or address list
 * @param comment    free text
 */
public record Group(String name, PolicyMode mode, Membership membership, String comment) {
    public Group {
        Names.requireName("name", name);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(membership, "membership");
        comment = Names.comment("comment", comment);
    }

    /** Whether this is an address group (outside the cluster). */
    public boolean isAddressGroup() {
        return membership instanceof Membership.Addresses;
    }
}
