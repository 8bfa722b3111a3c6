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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A policy change notifies other replicas and leaves an audit record; a failed one leaves
 * nothing; concurrent changes of one tenant get consecutive revisions, each with its audit row.
 */
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

    @Test
    void concurrentCreatesGetConsecutiveRevisionsAndOneAuditRowEach() throws Exception {
        var t = tenants.create();
        int n = 24;
        List<Future<Http.Res>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < n; i++) {
                String body = "{\"name\":\"c" + i + "\"}";
                results.add(pool.submit(() -> http.post("/api/v1/group", t.editor(), body)));
            }
            results.add(pool.submit(() -> http.post("/api/v1/group", t.editor(), "{\"name\":\"c0\"}")));   // a duplicate
        }
        int created = 0;
        int conflicts = 0;
        for (Future<Http.Res> f : results) {
            int status = f.get().status();
            created += status == 201 ? 1 : 0;
            conflicts += status == 409 ? 1 : 0;
        }
        assertThat(created).isEqualTo(n);
        assertThat(conflicts).isEqualTo(1);
        List<Long> revisions = tx.read(t.id(), c -> Jdbc.list(c, "SELECT n FROM policy_revisions WHERE tenant_id = ? ORDER BY n",
                rs -> rs.getLong(1), t.id()));
        assertThat(revisions).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
        List<Long> audited = tx.read(t.id(), c -> Jdbc.list(c, "SELECT (detail->>'policy_version')::bigint FROM audit_log "
                + "WHERE tenant_id = ? AND action = 'group.create' AND detail->>'policy_version' IS NOT NULL ORDER BY 1", rs -> rs.getLong(1), t.id()));
        assertThat(audited).containsExactlyElementsOf(revisions);
        assertThat(http.get("/api/v1/stats", t.viewer()).json().get("policy_version").asLong()).isEqualTo(n);
    }
}
