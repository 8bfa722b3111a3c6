package dev.microseg.api.auth;

import dev.microseg.api.audit.AuditLog;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.error.JsonBodies;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.Names;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Creating, listing, revoking and looking up tenant-scoped API keys. */
@Singleton
public class ApiKeyService {
    private static final String COLUMNS = "id, name, role, created_at, created_by, expires_at, revoked_at, last_used_at, use_count";

    private final TenantTx tx;
    private final ApiKeyCache cache;

    public ApiKeyService(TenantTx tx, ApiKeyCache cache) {
        this.tx = tx;
        this.cache = cache;
    }

    /** What authentication needs to know about a stored key. */
    public record StoredKey(UUID tenant, UUID id, Role role, byte[] secretHash, Instant expiresAt, Instant revokedAt) {
        public boolean usableAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    /** Validates a create request and creates the key. */
    public CreatedApiKey create(Caller caller, String body) {
        ApiKeyBody b = JsonBodies.parse(body, ApiKeyBody.class);
        Role role;
        String name;
        Instant expires = null;
        try {
            if (b.role() == null) {
                throw ApiException.field(ErrorCode.MISSING_FIELD, "role", "required: admin, editor or viewer");
            }
            role = Role.parse("role", b.role());
            name = b.name() == null || b.name().isBlank() ? role.token() + "-key" : Names.requireName("name", b.name());
            if (b.expiresAt() != null) {
                try {
                    expires = OffsetDateTime.parse(b.expiresAt()).toInstant();
                } catch (DateTimeParseException e) {
                    throw new InvalidFieldException("expires_at", "'" + b.expiresAt() + "' is not an RFC 3339 time such as 2027-01-01T00:00:00Z");
                }
                if (!expires.isAfter(Instant.now())) {
                    throw new InvalidFieldException("expires_at", "must be in the future");
                }
            }
        } catch (InvalidFieldException e) {
            throw ApiException.invalid(e);
        }
        return create(caller.tenant(), caller.actor(), name, role, expires);
    }

    /** Creates a key; the returned token is the only copy of its secret. */
    public CreatedApiKey create(UUID tenant, String actor, String name, Role role, Instant expiresAt) {
        ApiKeyToken token = ApiKeyToken.generate(tenant);
        ApiKeyView view = tx.write(tenant, c -> {
            ApiKeyView v = Jdbc.one(c, "INSERT INTO api_keys (tenant_id, id, name, role, secret_hash, created_by, expires_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS, ApiKeyService::view,
                    tenant, token.keyId(), name, role.token(), token.secretHash(), actor,
                    expiresAt == null ? null : java.sql.Timestamp.from(expiresAt)).orElseThrow();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("role", role.token());
            detail.put("name", name);
            detail.put("expires_at", expiresAt == null ? null : expiresAt.toString());
            AuditLog.record(c, tenant, actor, "api_key.create", "api_key/" + token.keyId(), detail);
            return v;
        });
        return new CreatedApiKey(view, token.format());
    }

    public Page<ApiKeyView> list(Caller caller, PageRequest page) {
        UUID after = page.after() == null ? null : parseCursorId(page.after());
        return Page.of(tx.query(caller.tenant(),
                "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? AND (?::uuid IS NULL OR id > ?::uuid) ORDER BY id LIMIT ?",
                ApiKeyService::view, caller.tenant(), after, after, page.fetch()), page, v -> v.id().toString());
    }

    public Optional<ApiKeyView> get(Caller caller, UUID id) {
        return tx.queryOne(caller.tenant(), "SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = ? AND id = ?",
                ApiKeyService::view, caller.tenant(), id);
    }

    /** Revokes a key at once; revoking again is harmless. Empty if the key does not exist. */
    public Optional<ApiKeyView> revoke(Caller caller, UUID id) {
        Optional<ApiKeyView> out = tx.write(caller.tenant(), c -> {
            Optional<ApiKeyView> v = Jdbc.one(c, "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) "
                    + "WHERE tenant_id = ? AND id = ? RETURNING " + COLUMNS, ApiKeyService::view, caller.tenant(), id);
            if (v.isPresent()) {
                AuditLog.record(c, caller.tenant(), caller.actor(), "api_key.revoke", "api_key/" + id, Map.of());
                // other replicas evict their cached copy when this commits (ApiKeyRevocations)
                Jdbc.list(c, "SELECT pg_notify(?, ?)", rs -> Boolean.TRUE, ApiKeyRevocations.CHANNEL, id.toString());
            }
            return v;
        });
        cache.invalidate(id);
        return out;
    }

    /** Loads a key for authentication, under the tenant the token names, in one round trip. */
    public Optional<StoredKey> lookup(UUID tenant, UUID id) {
        return tx.queryOne(tenant, "SELECT role, secret_hash, expires_at, revoked_at FROM api_keys WHERE tenant_id = ? AND id = ?",
                rs -> new StoredKey(tenant, id, Role.parse("role", rs.getString("role")), rs.getBytes("secret_hash"),
                        Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "revoked_at")), tenant, id);
    }

    private static UUID parseCursorId(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "cursor", "not a cursor this API returned");
        }
    }

    static ApiKeyView view(ResultSet rs) throws SQLException {
        return new ApiKeyView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("role"),
                Jdbc.instant(rs, "created_at"), rs.getString("created_by"), Jdbc.instant(rs, "expires_at"),
                Jdbc.instant(rs, "revoked_at"), Jdbc.instant(rs, "last_used_at"), rs.getLong("use_count"));
    }
}
