package dev.microseg.api.policy;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.auth.Role;
import dev.microseg.api.error.Problem;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Policy history: list, inspect, restore. */
@Controller("/api/v1/policy/revisions")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "revisions")
public class RevisionController {
    private final RevisionService revisions;

    public RevisionController(RevisionService revisions) {
        this.revisions = revisions;
    }

    @Get
    @Secured(Role.VIEWER_ROLE)
    @Operation(operationId = "listRevisions", summary = "List policy revisions, newest first")
    public Page<RevisionView> list(Authentication auth, @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor) {
        return revisions.list(Caller.of(auth), PageRequest.of(limit, cursor));
    }

    @Get("/{n}")
    @Secured(Role.VIEWER_ROLE)
    @Operation(operationId = "getRevision", summary = "A revision and every group and rule as of that revision")
    @ApiResponse(responseCode = "404", description = "no such revision", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "400", description = "REVISION_TOO_OLD: more later revisions than a request may undo",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RevisionDetail get(Authentication auth, long n) {
        return revisions.get(Caller.of(auth), n);
    }

    @Post("/{n}/restore")
    @Secured(Role.ADMIN_ROLE)
    @Operation(operationId = "restoreRevision", summary = "Make the state of revision n current, as one new revision (admin)")
    @ApiResponse(responseCode = "200", description = "the restored revision and state")
    @ApiResponse(responseCode = "404", description = "no such revision", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "400", description = "REVISION_TOO_OLD: more later revisions than a request may undo",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RevisionDetail restore(Authentication auth, long n) {
        return revisions.restore(Caller.of(auth), n);
    }
}
