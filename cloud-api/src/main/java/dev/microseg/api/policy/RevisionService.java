package dev.microseg.api.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.error.FieldError;
import dev.microseg.api.error.JsonBodies;
import dev.microseg.api.group.GroupBody;
import dev.microseg.api.group.GroupDef;
import dev.microseg.api.group.GroupStore;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Policy history. Revisions store diffs, not snapshots (a snapshot per change would make
 * bulk-loading thousands of rules quadratic); the state as of revision {@code n} is the
 * current state with every later revision's changes reverse-applied, newest first. How many
 * revisions one request may undo is bounded ({@link #MAX_REPLAYED_REVISIONS}).
 */
@Singleton
public class RevisionService {
    /**
     * Default bound on the later revisions undone to rebuild a past state
     * ({@code microseg.policy.max-replayed-revisions}). Every one is read and its diff parsed
     * inside the request's transaction, so without a bound an old revision of a busy tenant
     * costs reading its whole history. 10,000 covers bulk-loading a tenant the size of the API
     * benchmark's (1,000 groups and 5,000 rules, one revision each) and then some; older
     * states need a snapshot, which revisions do not keep.
     */
    public static final int MAX_REPLAYED_REVISIONS = 10_000;
    private static final TypeReference<List<Map<String, Object>>> CHANGES = new TypeReference<>() {
    };

    private final TenantTx tx;
    private final PolicyChanges changes;
    private final int maxReplayed;

    public RevisionService(TenantTx tx, PolicyChanges changes,
                           @Value("${microseg.policy.max-replayed-revisions:" + MAX_REPLAYED_REVISIONS + "}") int maxReplayed) {
        if (maxReplayed < 1) {
            throw new IllegalArgumentException("microseg.policy.max-replayed-revisions must be at least 1, not " + maxReplayed);
        }
        this.tx = tx;
        this.changes = changes;
        this.maxReplayed = maxReplayed;
    }

    public Page<RevisionView> list(Caller caller, PageRequest page) {
        long before = page.after() == null ? Long.MAX_VALUE : parseN(page.after());
        return Page.of(tx.query(caller.tenant(),
                "SELECT n, at, actor, summary, changes::text AS changes FROM policy_revisions "
                        + "WHERE tenant_id = ? AND n < ? ORDER BY n DESC LIMIT ?", RevisionService::view,
                caller.tenant(), before, page.fetch()), page, v -> Long.toString(v.n()));
    }

    public RevisionDetail get(Caller caller, long n) {
        return tx.read(caller.tenant(), c -> {
            RevisionView rev = revision(c, caller.tenant(), n).orElseThrow(() -> notFound(n));
            State s = stateAt(c, caller.tenant(), n, maxReplayed);
            return new RevisionDetail(rev, s.toPolicyState());
        });
    }

    /** Makes the state of revision {@code n} current, as one new revision. */
    public RevisionDetail restore(Caller caller, long n) {
        return changes.apply(caller, "policy.restore", "restore revision " + n, true, set -> {
            Connection c = set.connection();
            UUID t = set.tenant();
            revision(c, t, n).orElseThrow(() -> notFound(n));
            State target = stateAt(c, t, n, maxReplayed);
            State current = State.current(c, t);
            for (RuleBody r : current.rules.values()) {
                if (!target.rules.containsKey(r.id())) {
                    RuleStore.delete(c, t, r.id());
                    set.record("rule", Long.toString(r.id()), r, null);
                }
            }
            for (GroupBody g : target.groups.values()) {
                GroupBody now = current.groups.get(g.name());
                if (now == null) {
                    GroupStore.insert(c, t, GroupDef.validate(g, null));
                } else if (!now.equals(g)) {
                    GroupStore.update(c, t, GroupDef.validate(g, null));
                }
                if (!Objects.equals(now, g)) {
                    set.record("group", g.name(), now, g);
                }
            }
            for (RuleBody r : target.rules.values()) {
                RuleBody now = current.rules.get(r.id());
                if (now == null) {
                    RuleStore.insert(c, t, RuleDef.validate(r, null));
                } else if (!now.equals(r)) {
                    RuleStore.update(c, t, RuleDef.validate(r, null));
                }
                if (!Objects.equals(now, r)) {
                    set.record("rule", Long.toString(r.id()), now, r);
                }
            }
            for (GroupBody g : current.groups.values()) {
                if (!target.groups.containsKey(g.name())) {
                    GroupStore.delete(c, t, g.name());
                    set.record("group", g.name(), g, null);
                }
            }
            return new RevisionDetail(revision(c, t, n).orElseThrow(), target.toPolicyState());
        });
    }

    /** Groups by name and rules by id, mutable while reverse-applying. */
    static final class State {
        final TreeMap<String, GroupBody> groups = new TreeMap<>();
        final TreeMap<Long, RuleBody> rules = new TreeMap<>();

        static State current(Connection c, UUID tenant) throws SQLException {
            State s = new State();
            for (GroupStore.Row g : GroupStore.all(c, tenant)) {
                s.groups.put(g.def().name(), g.def().toBody());
            }
            for (RuleStore.Row r : RuleStore.all(c, tenant)) {
                s.rules.put(r.def().id(), r.def().toBody());
            }
            return s;
        }

        void undo(Map<String, Object> change) {
            JsonNode before = JsonBodies.MAPPER.valueToTree(change.get("before"));
            String key = String.valueOf(change.get("key"));
            try {
                if ("group".equals(change.get("kind"))) {
                    if (before == null || before.isNull()) {
                        groups.remove(key);
                    } else {
                        groups.put(key, JsonBodies.MAPPER.treeToValue(before, GroupBody.class));
                    }
                } else {
                    long id = Long.parseLong(key);
                    if (before == null || before.isNull()) {
                        rules.remove(id);
                    } else {
                        rules.put(id, JsonBodies.MAPPER.treeToValue(before, RuleBody.class));
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored revision change unreadable: " + e.getOriginalMessage(), e);
            }
        }

        PolicyState toPolicyState() {
            return new PolicyState(List.copyOf(groups.values()), List.copyOf(rules.values()));
        }
    }

    /**
     * The state as of revision {@code n}: current state with later revisions undone, newest
     * first; {@code REVISION_TOO_OLD} when more than {@code maxReplayed} would have to be undone.
     */
    static State stateAt(Connection c, UUID tenant, long n, int maxReplayed) throws SQLException {
        List<RevisionView> later = Jdbc.list(c, "SELECT n, at, actor, summary, changes::text AS changes FROM policy_revisions "
                + "WHERE tenant_id = ? AND n > ? ORDER BY n DESC LIMIT ?", RevisionService::view, tenant, n, maxReplayed + 1);
        if (later.size() > maxReplayed) {
            throw new ApiException(ErrorCode.REVISION_TOO_OLD, "revision " + n + " is more than " + maxReplayed
                    + " revisions behind the current one (" + later.getFirst().n() + "); a past state is rebuilt by undoing the "
                    + "revisions after it, at most " + maxReplayed + " (microseg.policy.max-replayed-revisions)",
                    List.of(new FieldError("n", "at least " + (later.getFirst().n() - maxReplayed))));
        }
        State s = State.current(c, tenant);
        for (RevisionView r : later) {
            List<Map<String, Object>> list = new ArrayList<>(r.changes());
            for (int i = list.size() - 1; i >= 0; i--) {
                s.undo(list.get(i));
            }
        }
        return s;
    }

    static Optional<RevisionView> revision(Connection c, UUID tenant, long n) throws SQLException {
        return Jdbc.one(c, "SELECT n, at, actor, summary, changes::text AS changes FROM policy_revisions WHERE tenant_id = ? AND n = ?",
                RevisionService::view, tenant, n);
    }

    private static RevisionView view(ResultSet rs) throws SQLException {
        try {
            return new RevisionView(rs.getLong("n"), Jdbc.instant(rs, "at"), rs.getString("actor"), rs.getString("summary"),
                    JsonBodies.MAPPER.readValue(rs.getString("changes"), CHANGES));
        } catch (JsonProcessingException e) {
            throw new SQLException("stored revision unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private static long parseN(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "cursor", "not a cursor this API returned");
        }
    }

    static ApiException notFound(long n) {
        return ApiException.notFound("revision " + n);
    }
}
