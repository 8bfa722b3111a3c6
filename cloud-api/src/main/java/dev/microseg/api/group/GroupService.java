package dev.microseg.api.group;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.error.FieldError;
import dev.microseg.api.error.JsonBodies;
import dev.microseg.api.policy.PolicyChanges;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.stream.Collectors;

/** Group use cases: validation, then one {@link PolicyChanges} transaction per change. */
@Singleton
public class GroupService {
    private final TenantTx tx;
    private final PolicyChanges changes;

    public GroupService(TenantTx tx, PolicyChanges changes) {
        this.tx = tx;
        this.changes = changes;
    }

    public Page<GroupView> list(Caller caller, PageRequest page) {
        return Page.of(GroupStore.list(tx, caller.tenant(), page.after(), page.fetch()).stream().map(GroupStore.Row::view).toList(),
                page, GroupView::name);
    }

    public GroupView get(Caller caller, String name) {
        return GroupStore.get(tx, caller.tenant(), name).map(GroupStore.Row::view).orElseThrow(() -> notFound(name));
    }

    public GroupView create(Caller caller, String body) {
        GroupDef def = GroupDef.validate(JsonBodies.parse(body, GroupBody.class), null);
        return changes.apply(caller, "group.create", "create group " + def.name(), false, set -> {
            GroupStore.Row row = GroupStore.insertIfAbsent(set.connection(), set.tenant(), def).orElseThrow(
                    () -> ApiException.field(ErrorCode.ALREADY_EXISTS, "name", "group '" + def.name() + "' already exists"));
            set.record("group", def.name(), null, def.toBody());
            return row.view();
        });
    }

    public GroupView update(Caller caller, String name, String body) {
        GroupDef def = GroupDef.validate(JsonBodies.parse(body, GroupBody.class), name);
        return changes.apply(caller, "group.update", "update group " + name, false, set -> {
            GroupStore.Row before = GroupStore.get(set.connection(), set.tenant(), name).orElseThrow(() -> notFound(name));
            if (before.def().toBody().equals(def.toBody())) {
                return before.view();
            }
            GroupStore.Row row = GroupStore.update(set.connection(), set.tenant(), def);
            set.record("group", name, before.def().toBody(), def.toBody());
            return row.view();
        });
    }

    public void delete(Caller caller, String name) {
        changes.apply(caller, "group.delete", "delete group " + name, false, set -> {
            GroupStore.Row before = GroupStore.get(set.connection(), set.tenant(), name).orElseThrow(() -> notFound(name));
            List<Long> rules = GroupStore.referencingRules(set.connection(), set.tenant(), name);
            if (!rules.isEmpty()) {
                String ids = rules.stream().map(String::valueOf).collect(Collectors.joining(", "));
                throw new ApiException(ErrorCode.GROUP_IN_USE,
                        "group '" + name + "' is used by rule" + (rules.size() > 1 ? "s " : " ") + ids
                                + "; delete or change those rules first",
                        List.of(new FieldError("name", "used by rules " + ids)));
            }
            GroupStore.delete(set.connection(), set.tenant(), name);
            set.record("group", name, before.def().toBody(), null);
            return null;
        });
    }

    static ApiException notFound(String name) {
        return ApiException.notFound("group '" + name + "'");
    }
}
