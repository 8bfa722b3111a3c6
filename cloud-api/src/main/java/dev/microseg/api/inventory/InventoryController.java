package dev.microseg.api.inventory;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.auth.Role;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import dev.microseg.model.net.IpAddresses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The workload and node read models. */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Role.VIEWER_ROLE)
@Tag(name = "inventory")
public class InventoryController {
    private final TenantTx tx;
    private final MembershipIndex membership;

    public InventoryController(TenantTx tx, MembershipIndex membership) {
        this.tx = tx;
        this.membership = membership;
    }

    @Get("/workloads")
    @Operation(operationId = "listWorkloads", summary = "List workloads, by id, with their groups")
    public Page<WorkloadView> workloads(Authentication auth, @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor,
                                        @Parameter(description = "only members of this selector group")
                                        @Nullable @QueryValue String group) {
        Caller caller = Caller.of(auth);
        PageRequest page = PageRequest.of(limit, cursor);
        return tx.read(caller.tenant(), c -> {
            MembershipIndex.Snapshot m = membership.get(c, caller.tenant());
            String[] only = null;
            if (group != null) {
                if (!m.groups().containsKey(group)) {
                    throw ApiException.field(ErrorCode.INVALID_QUERY, "group", "group '" + group + "' does not exist");
                }
                only = m.membersOf().getOrDefault(group, Set.of()).toArray(String[]::new);
            }
            List<WorkloadView> rows = InventoryStore.workloads(c, caller.tenant(), page.after(), page.fetch(), only).stream()
                    .map(r -> new WorkloadView(r.workload().id(), r.workload().name(), r.workload().nodeId(), r.workload().labels(),
                            r.workload().addresses().stream().map(IpAddresses::format).toList(), r.workload().mac(),
                            m.groupsOf().getOrDefault(r.workload().id(), List.of()), r.updatedAt()))
                    .toList();
            return Page.of(rows, page, WorkloadView::id);
        });
    }

    @Get("/nodes")
    @Operation(operationId = "listNodes", summary = "List enrolled nodes, by id")
    public Page<NodeView> nodes(Authentication auth, @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor) {
        Caller caller = Caller.of(auth);
        PageRequest page = PageRequest.of(limit, cursor);
        UUID after;
        try {
            after = page.after() == null ? null : UUID.fromString(page.after());
        } catch (IllegalArgumentException e) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "cursor", "not a cursor this API returned");
        }
        return Page.of(InventoryStore.nodes(tx, caller.tenant(), after, page.fetch()), page, n -> n.id().toString());
    }
}
