package dev.microseg.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.microseg.api.group.GroupBody;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** Every group and rule of a tenant at one revision, in canonical form. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PolicyState(List<GroupBody> groups, List<RuleBody> rules) {
}
