package dev.microseg.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** A rule as clients send it, and (normalised) as revisions store it. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "PolicyRequest")
public record RuleBody(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1001", description = "1..4294967295; lower id wins where rules overlap")
        Long id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "web-servers", description = "client group") String from,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "db-servers", description = "server group") String to,
        @Schema(defaultValue = "any", example = "tcp/3306", description = "any, tcp/80, tcp/8000-8080, udp/53, icmp, comma lists")
        String ports,
        @Schema(nullable = true, description = "application names (HTTP, MySQL, ...); absent or empty = any")
        List<String> applications,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"allow", "deny"}) String action,
        @Schema(defaultValue = "false") Boolean disabled,
        @Schema(nullable = true) String comment) {
}
