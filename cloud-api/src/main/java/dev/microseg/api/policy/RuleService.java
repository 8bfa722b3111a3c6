package dev.microseg.api.policy;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.error.FieldError;
import dev.microseg.api.error.JsonBodies;
import dev.microseg.api.group.GroupStore;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.UUID;

/** Rule use cases: validation, group references, then one {@link PolicyChanges} transaction. */
@Singleton
public class RuleService {
    private final TenantTx tx;
    private final PolicyChanges changes;

    public RuleService(TenantTx tx, PolicyChanges changes) {
        this.tx = tx;
        this.changes = changes;
    }

    public Page<RuleView> list(Caller caller, PageRequest page) {
        Long after = page.after() == null ? null : parseId(page.after());
        return Page.of(RuleStore.list(tx, caller.tenant(), after, page.fetch()).stream().map(RuleStore.Row::view).toList(),
                page, v -> Long.toString(v.id()));
    }

    public RuleView get(Caller caller, long id) {
        return RuleStore.get(tx, caller.tenant(), id).map(RuleStore.Row::view)
                .orElseThrow(() -> notFound(id));
    }

    public RuleView create(Caller caller, String body) {
        RuleDef def = RuleDef.validate(JsonBodies.parse(body, RuleBody.class), null);
        return changes.apply(caller, "policy.create", "create rule " + def.id(), false, set -> {
            if (RuleStore.get(set.connection(), set.tenant(), def.id()).isPresent()) {
                throw ApiException.field(ErrorCode.ALREADY_EXISTS, "id", "rule " + def.id() + " already exists");
            }
            requireGroups(set.connection(), set.tenant(), def);
            RuleStore.Row row = RuleStore.insert(set.connection(), set.tenant(), def);
            set.record("rule", Long.toString(def.id()), null, def.toBody());
            return row.view();
        });
    }

    public RuleView update(Caller caller, long id, String body) {
        RuleDef def = RuleDef.validate(JsonBodies.parse(body, RuleBody.class), id);
        return changes.apply(caller, "policy.update", "update rule " + id, false, set -> {
            RuleStore.Row before = RuleStore.get(set.connection(), set.tenant(), id).orElseThrow(() -> notFound(id));
            requireGroups(set.connection(), set.tenant(), def);
            if (before.def().toBody().equals(def.toBody())) {
                return before.view();
            }
            RuleStore.Row row = RuleStore.update(set.connection(), set.tenant(), def);
            set.record("rule", Long.toString(id), before.def().toBody(), def.toBody());
            return row.view();
        });
    }

    public void delete(Caller caller, long id) {
        changes.apply(caller, "policy.delete", "delete rule " + id, false, set -> {
            RuleStore.Row before = RuleStore.get(set.connection(), set.tenant(), id).orElseThrow(() -> notFound(id));
            RuleStore.delete(set.connection(), set.tenant(), id);
            set.record("rule", Long.toString(id), before.def().toBody(), null);
            return null;
        });
    }

    /** 400 naming every group the rule refers to that does not exist. */
    static void requireGroups(Connection c, UUID tenant, RuleDef def) throws SQLException {
        List<FieldError> missing = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String[] ref : new String[][] {{"from", def.rule().from()}, {"to", def.rule().to()}}) {
            if (names.contains(ref[1]) || !GroupStore.exists(c, tenant, ref[1])) {
                missing.add(new FieldError(ref[0], "group '" + ref[1] + "' does not exist"));
                names.add(ref[1]);
            }
        }
        if (!missing.isEmpty()) {
            throw new ApiException(ErrorCode.UNKNOWN_GROUP, "unknown group" + (names.size() > 1 ? "s " : " ")
                    + String.join(", ", names.stream().map(n -> "'" + n + "'").toList())
                    + (names.size() > 1 ? "; create them first" : "; create it first") + " with POST /api/v1/group",
                    missing);
        }
    }

    private static long parseId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "cursor", "not a cursor this API returned");
        }
    }

    static ApiException notFound(long id) {
        return ApiException.notFound("rule " + id);
    }
}
