package dev.microseg.api.group;

import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.Names;
import dev.microseg.model.group.Criterion;
import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.net.Cidr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A validated group in canonical form. Validation goes through tenant-model's parsers so the
 * API and the policy compiler agree on what a group means; every failure names its field
 * ({@code criteria[1].value}, {@code cidrs[0]}).
 */
public record GroupDef(Group group) {

    /** Validates a request body; {@code pathName} is the name in the URL for PUT, else null. */
    public static GroupDef validate(GroupBody b, String pathName) {
        try {
            String name = b.name();
            if (pathName != null) {
                if (name != null && !name.equals(pathName)) {
                    throw new InvalidFieldException("name", "'" + name + "' differs from the name in the path ('"
                            + pathName + "'); renaming a group is not supported");
                }
                name = pathName;
            } else if (name == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, "name", "required");
            }
            Names.requireName("name", name);
            PolicyMode mode = b.policyMode() == null ? PolicyMode.MONITOR : PolicyMode.parse("policy_mode", b.policyMode());
            if (b.criteria() != null && b.cidrs() != null) {
                throw new InvalidFieldException("cidrs", "a group has either criteria (workloads by label) or cidrs (an address group), not both");
            }
            Membership membership = b.cidrs() != null ? addresses(b.cidrs()) : selector(b.criteria());
            return new GroupDef(new Group(name, mode, membership, Names.comment("comment", b.comment())));
        } catch (InvalidFieldException e) {
            throw ApiException.invalid(e);
        }
    }

    private static Membership.Selector selector(List<CriterionBody> criteria) {
        if (criteria == null) {
            return new Membership.Selector(List.of());
        }
        if (criteria.size() > Membership.Selector.MAX_CRITERIA) {
            throw new InvalidFieldException("criteria", "has " + criteria.size() + " items; at most " + Membership.Selector.MAX_CRITERIA);
        }
        List<Criterion> out = new ArrayList<>();
        for (int i = 0; i < criteria.size(); i++) {
            String at = "criteria[" + i + "]";
            CriterionBody c = criteria.get(i);
            if (c == null) {
                throw new InvalidFieldException(at, "must be an object with key, op and value");
            }
            if (c.key() == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, at + ".key", "required");
            }
            if (c.op() == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, at + ".op", "required: =, !=, in, notin, exists or !exists");
            }
            try {
                Criterion.Op op = Criterion.Op.parse("op", c.op());
                out.add(new Criterion(c.key(), op, values(op, c.value())));
            } catch (InvalidFieldException e) {
                throw e.under(at);
            }
        }
        return new Membership.Selector(out);
    }

    private static List<String> values(Criterion.Op op, String value) {
        return switch (op) {
            case EXISTS, NOT_EXISTS -> {
                if (value != null && !value.isEmpty()) {
                    throw new InvalidFieldException("value", "operator " + op.symbol() + " takes no value");
                }
                yield List.of();
            }
            case EQUALS, NOT_EQUALS -> {
                if (value == null) {
                    throw new InvalidFieldException("value", "operator " + op.symbol() + " needs a value");
                }
                yield List.of(value.strip());
            }
            case IN, NOT_IN -> {
                if (value == null || value.isBlank()) {
                    throw new InvalidFieldException("value", "operator " + op.symbol() + " needs a comma-separated list of values");
                }
                yield Arrays.stream(value.split(",", -1)).map(String::strip).toList();
            }
        };
    }

    private static Membership.Addresses addresses(List<String> cidrs) {
        if (cidrs.size() > Membership.MAX_CIDRS) {
            throw new InvalidFieldException("cidrs", "has " + cidrs.size() + " items; at most " + Membership.MAX_CIDRS);
        }
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < cidrs.size(); i++) {
            out.add(Cidr.parse("cidrs[" + i + "]", cidrs.get(i)));
        }
        return new Membership.Addresses(out);
    }

    public String name() {
        return group.name();
    }

    /** Canonical body: what revisions store and what {@link #validate} accepts back. */
    public GroupBody toBody() {
        List<CriterionBody> criteria = null;
        List<String> cidrs = null;
        switch (group.membership()) {
            case Membership.Selector s -> criteria = s.criteria().stream().map(GroupDef::criterionBody).toList();
            case Membership.Addresses a -> cidrs = a.cidrs().stream().map(Cidr::toString).toList();
        }
        return new GroupBody(group.name(), group.mode().display(), criteria, cidrs, group.comment());
    }

    static CriterionBody criterionBody(Criterion c) {
        String value = switch (c.op()) {
            case EXISTS, NOT_EXISTS -> null;
            default -> String.join(",", c.values());
        };
        return new CriterionBody(c.key(), c.op().symbol(), value);
    }
}
