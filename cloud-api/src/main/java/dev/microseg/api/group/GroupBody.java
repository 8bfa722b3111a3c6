package dev.microseg.api.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * A group as clients send it, and (normalised) as revisions store it. Either {@code criteria}
 * (workloads by label) or {@code cidrs} (an address group), not both; with neither, the group
 * is a named placeholder with no members.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "GroupRequest")
public record GroupBody(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "web-servers") String name,
        @Schema(name = "policy_mode", allowableValues = {"Monitor", "Protect"}, defaultValue = "Monitor")
        @JsonProperty("policy_mode") String policyMode,
        @Schema(nullable = true) List<CriterionBody> criteria,
        @Schema(nullable = true, example = "[\"10.20.0.0/16\"]") List<String> cidrs,
        @Schema(nullable = true) String comment) {
}
