package dev.microseg.api.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** A group as the API returns it: canonical values plus derived forms and timestamps. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Group")
public record GroupView(
        String name,
        @Schema(name = "policy_mode") @JsonProperty("policy_mode") String policyMode,
        @Schema(allowableValues = {"selector", "address"}) String kind,
        @Schema(nullable = true) List<CriterionBody> criteria,
        @Schema(nullable = true, description = "the criteria as one selector string, e.g. app=web, env in (prod,stage)")
        String selector,
        @Schema(nullable = true) List<String> cidrs,
        String comment,
        @Schema(name = "created_at") @JsonProperty("created_at") Instant createdAt,
        @Schema(name = "updated_at") @JsonProperty("updated_at") Instant updatedAt) {

    static GroupView of(GroupDef def, Instant createdAt, Instant updatedAt) {
        GroupBody b = def.toBody();
        boolean address = b.cidrs() != null;
        return new GroupView(b.name(), b.policyMode(), address ? "address" : "selector", b.criteria(),
                address ? null : def.group().membership().toString(), b.cidrs(), b.comment(), createdAt, updatedAt);
    }
}
