package dev.microseg.api.policy;

import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.TestDatabase;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A policy change notifies other replicas and leaves an audit record; a failed one leaves nothing. */
@ApiTest
class PolicyChangeSideEffectsTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;
    @Inject
    TenantTx tx;

    @Test
    void changesNotifyAndAreAudited() throws Exception {
        var t = tenants.create();
        try (Connection listener = DriverManager.getConnection(TestDatabase.get().url(), TestDatabase.APP_USER, TestDatabase.APP_PASSWORD)) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN " + PolicyChanges.CHANNEL);
            }
            assertThat(http.post("/api/v1/group", t.editor(), "{\"name\":\"web\"}").status()).isEqualTo(201);
            assertThat(http.post("/api/v1/policy", t.editor(), "{\"id\":1,\"from\":\"web\",\"to\":\"nope\",\"action\":\"allow\"}").status()).isEqualTo(400);

            List<String> payloads = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (payloads.isEmpty() && System.nanoTime() < deadline) {
                PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(500);
                if (got != null) {
                    for (PGNotification n : got) {
                        if (n.getParameter().contains(t.id().toString())) {
                            payloads.add(n.getParameter());
                        }
                    }
                }
            }
            assertThat(payloads).hasSize(1);
            assertThat(payloads.getFirst()).contains("\"policy_version\":1");
        }
        List<String> audit = tx.read(t.id(), c -> Jdbc.list(c, "SELECT action || ' ' || target || ' ' || actor FROM audit_log "
                + "WHERE tenant_id = ? AND (action LIKE 'group.%' OR action LIKE 'policy.%') ORDER BY id", rs -> rs.getString(1), t.id()));
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst()).startsWith("group.create create group web apikey:");
        assertThat(http.get("/api/v1/stats", t.viewer()).json().get("policy_version").asLong()).isEqualTo(1);
    }
}
