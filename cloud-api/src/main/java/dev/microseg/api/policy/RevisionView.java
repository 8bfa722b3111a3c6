package dev.microseg.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One policy revision: number ({@code n} = the tenant's policy_version after the change), who,
 * when, a summary, and what changed — for each touched group or rule, its canonical body
 * before and after ({@code null} for a create or a delete).
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Revision")
public record RevisionView(long n, Instant at, String actor, String summary,
                           @Schema(description = "[{kind: group|rule, key, before, after}]") List<Map<String, Object>> changes) {
}
