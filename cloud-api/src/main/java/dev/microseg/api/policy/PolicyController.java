package dev.microseg.api.policy;

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

/** {@code /api/v1/policies} (list) and {@code /api/v1/policy[/{id}]} (one rule). */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "policies")
public class PolicyController {
    private final RuleService rules;

    public PolicyController(RuleService rules) {
        this.rules = rules;
    }

    @Get("/policies")
    @Secured(Role.VIEWER_ROLE)
    @Operation(operationId = "listPolicies", summary = "List rules, by id")
    public Page<RuleView> list(Authentication auth, @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor) {
        return rules.list(Caller.of(auth), PageRequest.of(limit, cursor));
    }

    @Post("/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    @Secured(Role.EDITOR_ROLE)
    @Operation(operationId = "createPolicy", summary = "Create a rule; its groups must exist")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RuleBody.class)))
    @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = RuleView.class)))
    @ApiResponse(responseCode = "400", description = "invalid body or unknown group", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "a rule with that id exists", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RuleView create(Authentication auth, @Nullable @Body String body) {
        return rules.create(Caller.of(auth), body);
    }

    @Get("/policy/{id}")
    @Secured(Role.VIEWER_ROLE)
    @Operation(operationId = "getPolicy", summary = "Get a rule")
    @ApiResponse(responseCode = "200", description = "the rule", content = @Content(schema = @Schema(implementation = RuleView.class)))
    @ApiResponse(responseCode = "404", description = "no such rule", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RuleView get(Authentication auth, long id) {
        return rules.get(Caller.of(auth), id);
    }

    @Put("/policy/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Secured(Role.EDITOR_ROLE)
    @Operation(operationId = "updatePolicy", summary = "Replace a rule (the id cannot change)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RuleBody.class)))
    @ApiResponse(responseCode = "200", description = "the rule", content = @Content(schema = @Schema(implementation = RuleView.class)))
    public RuleView update(Authentication auth, long id, @Nullable @Body String body) {
        return rules.update(Caller.of(auth), id, body);
    }

    @Delete("/policy/{id}")
    @Secured(Role.EDITOR_ROLE)
    @Operation(operationId = "deletePolicy", summary = "Delete a rule")
    @ApiResponse(responseCode = "204", description = "deleted")
    public HttpResponse<Void> delete(Authentication auth, long id) {
        rules.delete(Caller.of(auth), id);
        return HttpResponse.noContent();
    }
}
