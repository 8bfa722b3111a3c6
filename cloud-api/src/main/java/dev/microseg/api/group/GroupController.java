package dev.microseg.api.group;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.auth.Role;
import dev.microseg.api.error.Problem;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/groups} (list) and {@code /api/v1/group[/{name}]} (one group), as in NeuVector's API. */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "groups")
public class GroupController {
    private final GroupService groups;

    public GroupController(GroupService groups) {
        this.groups = groups;
    }

    @Get("/groups")
    @Secured(Role.VIEWER_ROLE)
    @Operation(operationId = "listGroups", summary = "List groups, by name")
    public Page<GroupView> list(Authentication auth, @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor) {
        return groups.list(Caller.of(auth), PageRequest.of(limit, cursor));
    }

    @Post("/group")
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    @Secured(Role.EDITOR_ROLE)
    @Operation(operationId = "createGroup", summary = "Create a group")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GroupBody.class)))
    @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = GroupView.class)))
    @ApiResponse(responseCode = "400", description = "invalid body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "a group of that name exists", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public GroupView create(Authentication auth, @Nullable @Body String body) {
        return groups.create(Caller.of(auth), body);
    }

    @Get("/group/{name}")
    @Secured(Role.VIEWER_ROLE)
    @Operation(operationId = "getGroup", summary = "Get a group")
    @ApiResponse(responseCode = "200", description = "the group", content = @Content(schema = @Schema(implementation = GroupView.class)))
    @ApiResponse(responseCode = "404", description = "no such group", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public GroupView get(Authentication auth, String name) {
        return groups.get(Caller.of(auth), name);
    }

    @Put("/group/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Secured(Role.EDITOR_ROLE)
    @Operation(operationId = "updateGroup", summary = "Replace a group (the name cannot change)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GroupBody.class)))
    @ApiResponse(responseCode = "200", description = "the group", content = @Content(schema = @Schema(implementation = GroupView.class)))
    public GroupView update(Authentication auth, String name, @Nullable @Body String body) {
        return groups.update(Caller.of(auth), name, body);
    }

    @Delete("/group/{name}")
    @Secured(Role.EDITOR_ROLE)
    @Operation(operationId = "deleteGroup", summary = "Delete a group; 409 naming the rules that still use it")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "409", description = "rules use the group", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<Void> delete(Authentication auth, String name) {
        groups.delete(Caller.of(auth), name);
        return HttpResponse.noContent();
    }
}
