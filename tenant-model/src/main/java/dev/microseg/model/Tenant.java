package dev.microseg.model;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A customer of the service. Every tenant-owned object carries the tenant's id; a tenant never
 * sees another tenant's objects.
 *
 * @param id            stable identifier
 * @param name          unique, human-readable name (e.g. {@code demo})
 * @param policyVersion bumped by every change to the tenant's groups or rules; nodes ack the
 *                      version they enforce
 * @param createdAt     when the tenant was created
 */
public record Tenant(UUID id, String name, long policyVersion, Instant createdAt) {
    public Tenant {
        Objects.requireNonNull(id, "id");
        Names.requireName("name", name);
        if (policyVersion < 0) {
            throw new InvalidFieldException("policy_version", "must not be negative");
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
