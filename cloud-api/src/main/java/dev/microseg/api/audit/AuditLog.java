package dev.microseg.api.audit;

import dev.microseg.api.error.JsonBodies;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * Appends to {@code audit_log}: who did what to which object, in the caller's transaction so
 * that the record commits or rolls back with the change it describes.
 */
public final class AuditLog {
    private AuditLog() {
    }

    public static void record(Connection c, UUID tenant, String actor, String action, String target,
                              Map<String, ?> detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_log (tenant_id, actor, action, target, detail) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            ps.setObject(1, tenant);
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setString(4, target);
            ps.setString(5, detail == null ? null : json(detail));
            ps.executeUpdate();
        }
    }

    private static String json(Map<String, ?> detail) {
        try {
            return JsonBodies.MAPPER.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit detail is not serialisable", e);
        }
    }
}
