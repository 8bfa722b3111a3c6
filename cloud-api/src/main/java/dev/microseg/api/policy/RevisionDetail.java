package dev.microseg.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

/** A revision and the full policy as of that revision. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RevisionDetail(RevisionView revision, PolicyState state) {
}
