package dev.microseg.api.support;

import dev.microseg.api.auth.ApiKeyService;
import dev.microseg.api.auth.Role;
import dev.microseg.api.tenant.TenantService;
import dev.microseg.model.Tenant;
import jakarta.inject.Singleton;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes a fresh tenant with one key per role, so tests never see each other's data. */
@Singleton
public final class Tenants {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final TenantService tenants;
    private final ApiKeyService keys;

    public Tenants(TenantService tenants, ApiKeyService keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    /** A tenant and bearer tokens for each role. */
    public record TestTenant(UUID id, String name, String admin, String editor, String viewer) {
    }

    public TestTenant create() {
        String name = "t" + SEQ.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Tenant t = tenants.create(name);
        return new TestTenant(t.id(), name,
                keys.create(t.id(), "test", "admin", Role.ADMIN, null).token(),
                keys.create(t.id(), "test", "editor", Role.EDITOR, null).token(),
                keys.create(t.id(), "test", "viewer", Role.VIEWER, null).token());
    }
}
