package dev.microseg.api.group;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One selector criterion in NeuVector's shape: {@code value} is one value for {@code =} and
 * {@code !=}, a comma-separated list for {@code in} and {@code notin}, and absent for
 * {@code exists} and {@code !exists}.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Criterion")
public record CriterionBody(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "app") String key,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"=", "!=", "in", "notin", "exists", "!exists"}) String op,
        @Schema(nullable = true, example = "web") String value) {
}
