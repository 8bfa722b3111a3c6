package dev.microseg.api.flow;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.inventory.MembershipIndex;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.flow.Verdict;
import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import dev.microseg.model.net.Cidr;
import dev.microseg.model.policy.Protocol;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Raw flow records, newest first, filtered by group, workload, verdict, application, port and
 * time. Keyset-paginated on {@code (window_start, id)} so pages stay stable while nodes keep
 * reporting.
 */
@Singleton
public class ConnectionService {
    private final TenantTx tx;
    private final MembershipIndex membership;

    public ConnectionService(TenantTx tx, MembershipIndex membership) {
        this.tx = tx;
        this.membership = membership;
    }

    /** The filters of a connections query, unvalidated as they came in the query string. */
    public record Filter(String group, String workload, String verdict, String application, Integer port) {
    }

    public Page<ConnectionView> list(Caller caller, TimeWindow w, Filter f, PageRequest page) {
        String verdict = null;
        Integer app = null;
        try {
            if (f.verdict() != null) {
                verdict = Verdict.parse(f.verdict()).token();
            }
            if (f.application() != null) {
                app = ApplicationRegistry.byName(f.application())
                        .orElseThrow(() -> new InvalidFieldException("application", "unknown application '" + f.application() + "'"))
                        .id();
            }
        } catch (InvalidFieldException e) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, e.field(), e.reason());
        }
        if (f.port() != null && (f.port() < 0 || f.port() > 65535)) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "port", "must be between 0 and 65535");
        }
        Instant afterTime = null;
        long afterId = 0;
        if (page.after() != null) {
            String[] parts = page.after().split("\\|", 2);
            try {
                afterTime = Instant.parse(parts[0]);
                afterId = Long.parseLong(parts[1]);
            } catch (RuntimeException e) {
                throw ApiException.field(ErrorCode.INVALID_QUERY, "cursor", "not a cursor this API returned");
            }
        }
        final String v = verdict;
        final Integer a = app;
        final Instant at = afterTime;
        final long aid = afterId;
        return tx.read(caller.tenant(), c -> {
            String[] members = null;
            String[] cidrs = null;
            if (f.group() != null) {
                MembershipIndex.Snapshot m = membership.get(c, caller.tenant());
                Group g = m.groups().get(f.group());
                if (g == null) {
                    throw ApiException.field(ErrorCode.INVALID_QUERY, "group", "group '" + f.group() + "' does not exist");
                }
                if (g.membership() instanceof Membership.Addresses addr) {
                    cidrs = addr.cidrs().stream().map(Cidr::toString).toArray(String[]::new);
                } else {
                    members = m.membersOf().getOrDefault(f.group(), Set.of()).toArray(String[]::new);
                }
            }
            List<Object> params = new ArrayList<>(List.of(caller.tenant(), Timestamp.from(w.from()), Timestamp.from(w.to())));
            StringBuilder sql = new StringBuilder("SELECT id, window_start, node_id, client_workload, server_workload, host(client_ip) AS cip, "
                    + "host(server_ip) AS sip, protocol, server_port, application, rule_id, verdict, sessions, packets, bytes "
                    + "FROM flows WHERE tenant_id = ? AND window_start >= ? AND window_start < ?");
            if (at != null) {
                sql.append(" AND (window_start, id) < (?, ?)");
                params.add(Timestamp.from(at));
                params.add(aid);
            }
            if (members != null) {
                sql.append(" AND (client_workload = ANY(?) OR server_workload = ANY(?))");
                params.add(members);
                params.add(members);
            }
            if (cidrs != null) {
                sql.append(" AND (client_ip <<= ANY(?::cidr[]) OR server_ip <<= ANY(?::cidr[]))");
                params.add(cidrs);
                params.add(cidrs);
            }
            if (f.workload() != null) {
                sql.append(" AND (client_workload = ? OR server_workload = ?)");
                params.add(f.workload());
                params.add(f.workload());
            }
            if (v != null) {
                sql.append(" AND verdict = ?");
                params.add(v);
            }
            if (a != null) {
                sql.append(" AND application = ?");
                params.add(a);
            }
            if (f.port() != null) {
                sql.append(" AND server_port = ?");
                params.add(f.port());
            }
            sql.append(" ORDER BY window_start DESC, id DESC LIMIT ?");
            params.add(page.fetch());
            List<ConnectionView> rows = Jdbc.list(c, sql.toString(), rs -> {
                Protocol p = Protocol.fromNumber(rs.getInt("protocol"));
                return new ConnectionView(rs.getLong("id"), Jdbc.instant(rs, "window_start"), rs.getString("node_id"),
                        rs.getString("client_workload"), rs.getString("server_workload"), rs.getString("cip"), rs.getString("sip"),
                        p == null ? Integer.toString(rs.getInt("protocol")) : p.token(), rs.getInt("server_port"),
                        ApplicationRegistry.nameOf(rs.getInt("application")), rs.getLong("rule_id"), rs.getString("verdict"),
                        rs.getLong("sessions"), rs.getLong("packets"), rs.getLong("bytes"));
            }, params.toArray());
            return Page.of(rows, page, r -> r.windowStart() + "|" + r.id());
        });
    }
}
