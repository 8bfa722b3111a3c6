package dev.microseg.model.policy;

import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.Names;
import dev.microseg.model.app.Application;

import java.util.List;
import java.util.Objects;

/**
 * A network rule between two groups. Where rules overlap, the lower id wins.
 *
 * @param id           tenant-unique id, 1..{@value #MAX_ID} (the data plane carries it as u32)
 * @param from         the client group's name
 * @param to           the server group's name
 * @param ports        destination ports and protocols
 * @param applications applications the rule is limited to; empty means any
 * @param action       allow or deny
 * @param disabled     a disabled rule is kept but not compiled
 * @param comment      free text
 */
public record PolicyRule(long id, String from, String to, PortSpec ports, List<Application> applications,
                         RuleAction action, boolean disabled, String comment) {
    /** Largest rule id: the dp control protocol's rule id is an unsigned 32-bit number. */
    public static final long MAX_ID = 0xFFFF_FFFFL;

    public PolicyRule {
        if (id < 1 || id > MAX_ID) {
            throw new InvalidFieldException("id", "must be between 1 and " + MAX_ID);
        }
        Names.requireName("from", from);
        Names.requireName("to", to);
        Objects.requireNonNull(ports, "ports");
        applications = applications == null ? List.of() : List.copyOf(applications);
        Objects.requireNonNull(action, "action");
        comment = Names.comment("comment", comment);
    }
}
