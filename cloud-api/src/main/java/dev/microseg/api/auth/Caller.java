package dev.microseg.api.auth;

import io.micronaut.security.authentication.Authentication;

import java.util.Objects;
import java.util.UUID;

/**
 * Who is calling: the tenant every query is scoped to, and the actor name written to audit
 * records and revisions ({@code apikey:<id>}). Always taken from the authenticated principal,
 * never from a path or body.
 */
public record Caller(UUID tenant, String actor) {
    public static final String TENANT_ATTRIBUTE = "tenant_id";

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(actor, "actor");
    }

    public static Caller of(Authentication auth) {
        Object t = auth.getAttributes().get(TENANT_ATTRIBUTE);
        if (t == null) {
            throw new IllegalStateException("authentication without a tenant: " + auth.getName());
        }
        return new Caller(UUID.fromString(t.toString()), auth.getName());
    }
}
