package dev.microseg.api.auth;

import dev.microseg.api.error.ApiException;
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

import java.util.UUID;

/** Tenant-scoped API keys; admin only. */
@Controller("/api/v1/api-keys")
@Secured(Role.ADMIN_ROLE)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "api-keys")
public class ApiKeyController {
    private final ApiKeyService keys;

    public ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @Get
    @Operation(operationId = "listApiKeys", summary = "List API keys (never their secrets)")
    public Page<ApiKeyView> list(Authentication auth, @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor) {
        return keys.list(Caller.of(auth), PageRequest.of(limit, cursor));
    }

    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    @Operation(operationId = "createApiKey", summary = "Create an API key; the response holds the token, shown only this once")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyBody.class)))
    @ApiResponse(responseCode = "201", description = "created", content = @Content(schema = @Schema(implementation = CreatedApiKey.class)))
    @ApiResponse(responseCode = "400", description = "invalid body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CreatedApiKey create(Authentication auth, @Nullable @Body String body) {
        return keys.create(Caller.of(auth), body);
    }

    @Get("/{id}")
    @Operation(operationId = "getApiKey", summary = "Get one API key")
    public ApiKeyView get(Authentication auth, UUID id) {
        return keys.get(Caller.of(auth), id).orElseThrow(() -> ApiException.notFound("API key " + id));
    }

    @Delete("/{id}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key at once")
    @ApiResponse(responseCode = "204", description = "revoked")
    public HttpResponse<Void> revoke(Authentication auth, UUID id) {
        keys.revoke(Caller.of(auth), id).orElseThrow(() -> ApiException.notFound("API key " + id));
        return HttpResponse.noContent();
    }
}
