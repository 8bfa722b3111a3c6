package dev.microseg.api.tenant;

import dev.microseg.api.db.DataAccessFailure;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.model.Names;
import dev.microseg.model.Tenant;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.UUID;

/** Provisioning of tenants (dev bootstrap, tests, later the sign-up flow). */
@Singleton
public class TenantService {
    private final TenantTx tx;

    public TenantService(TenantTx tx) {
        this.tx = tx;
    }

    /** Creates a tenant; 409 if the name is taken. */
    public Tenant create(String name) {
        Names.requireName("name", name);
        UUID id = UUID.randomUUID();
        try {
            return tx.write(id, c -> Jdbc.one(c, "INSERT INTO tenants (id, name) VALUES (?, ?) "
                            + "RETURNING id, name, policy_version, created_at",
                    rs -> new Tenant(rs.getObject("id", UUID.class), rs.getString("name"), rs.getLong("policy_version"),
                            Jdbc.instant(rs, "created_at")), id, name).orElseThrow());
        } catch (DataAccessFailure e) {
            if ("23505".equals(e.sqlState())) {
                throw ApiException.field(ErrorCode.ALREADY_EXISTS, "name", "tenant '" + name + "' already exists");
            }
            throw e;
        }
    }

    /** The id of the tenant with this name, through the provisioning lookup function. */
    public Optional<UUID> findId(String name) {
        return tx.platform(c -> Jdbc.one(c, "SELECT microseg_tenant_id(?)", rs -> rs.getObject(1, UUID.class), name));
    }

    /** The tenant as its own transaction sees it. */
    public Optional<Tenant> get(UUID id) {
        return tx.read(id, c -> Jdbc.one(c, "SELECT id, name, policy_version, created_at FROM tenants WHERE id = ?",
                rs -> new Tenant(rs.getObject("id", UUID.class), rs.getString("name"), rs.getLong("policy_version"),
                        Jdbc.instant(rs, "created_at")), id));
    }
}
