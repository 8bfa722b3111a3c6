package dev.microseg.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** A rule as the API returns it: canonical values and timestamps. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Policy")
public record RuleView(long id, String from, String to,
                       @Schema(description = "canonical port spec", example = "tcp/3306") String ports,
                       @Schema(description = "canonical application names; empty = any") List<String> applications,
                       String action, boolean disabled, String comment,
                       @Schema(name = "created_at") @JsonProperty("created_at") Instant createdAt,
                       @Schema(name = "updated_at") @JsonProperty("updated_at") Instant updatedAt) {

    static RuleView of(RuleDef def, Instant createdAt, Instant updatedAt) {
        RuleBody b = def.toBody();
        return new RuleView(b.id(), b.from(), b.to(), b.ports(), b.applications(), b.action(), b.disabled(), b.comment(),
                createdAt, updatedAt);
    }
}
