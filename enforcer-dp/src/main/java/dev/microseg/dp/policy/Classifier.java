package dev.microseg.dp.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The compiled, immutable policy of one workload endpoint: answers "which rule decides this
 * connection" in time that does not grow with the number of rules.
 *
 * <p><b>Semantics.</b> Among the rules of the packet's direction whose source range, destination
 * range, protocol (0 = any) and port range (destination port; ICMP type for ICMP/ICMPv6) match,
 * the one with the lowest id wins (ties: input order). A rule with {@code apps} matches only when
 * the connection's application is one of them, and that entry's action and {@code rid} apply.
 * While the application is unknown ({@link #APP_UNKNOWN}) and the lowest-id L3/L4 match has apps,
 * the answer is {@link Decision.Kind#NEEDS_APPLICATION}. No match: the default action.
 *
 * <p><b>Structure: tuple space search with priority pruning</b> (Srinivasan, Suri, Varghese,
 * "Packet Classification using Tuple Space Search", SIGCOMM 1999), made flat by controlled
 * prefix expansion. Compile: each rule's address ranges are split into prefixes ({@link Prefixes});
 * {@link ExpansionLevels} picks, per dimension, at most {@value ExpansionLevels#MAX_LEVELS}
 * prefix lengths minimising the expanded entries, and every prefix is expanded to the next chosen
 * length; each (source prefix, destination prefix) pair is stored in the hash table of its length
 * pair under the masked addresses ({@link TupleTable}). A cell holds the rules sharing that exact
 * address pair, sorted by priority, each with its protocol and port range; cells of more than
 * {@value PortIndexedCell#THRESHOLD} rules are indexed by protocol and port (and application)
 * instead ({@link PortIndexedCell}). Lookup: probe the tuples smallest first, skipping a tuple
 * whose best rule cannot beat the match found (priority pruning, as in Open vSwitch's
 * classifier); a probe masks and hashes the addresses and tests one word of the
 * tuple's Bloom filter, which turns most non-matching tuples away from a small, cache-resident
 * array, and also those whose keys in that word cannot beat the match found (the word carries
 * their best rank); only then does it read the slot, the key and one {@link CellWord} that is
 * the cell's only rule or says where its rules are, and a larger cell is scanned or searched.
 *
 * <p><b>Cost.</b> Lookup is O(T × (1 + C)): T tuples, C the cell cost (at most
 * {@value PortIndexedCell#THRESHOLD} candidates scanned, or two binary searches). With expansion
 * T ≤ {@value ExpansionLevels#MAX_LEVELS}² per direction, in practice
 * {@value ExpansionLevels#MAX_LEVELS}, whatever the number of rules; what grows with the rules is
 * only the size of the tables, i.e. cache misses. <b>Worst case</b>: a rule whose expansion would
 * exceed {@link TupleSpaceBuilder#EXPANSION_BUDGET} entries (arbitrary, non-prefix ranges) keeps
 * its own prefix lengths, so a policy made of many such rules falls back to T ≤ 129 × 129 and up
 * to 254 × 254 entries per rule ({@link Prefixes}). Compile time is linear in the entries plus a
 * sort; memory is about 25 to 60 bytes per cell (a 16-byte slot when the tuple's keys differ only
 * in the low 32 bits of each address, else 40 bytes, at most 70% full, plus 12 to 24 filter bits)
 * plus 8 bytes per rule of a shared cell. Figures for 10 to 100,000 rules are in docs/benchmarks.md.
 *
 * <p>Instances are immutable and safe to share; {@link PolicyTable} publishes new ones with a
 * volatile write, so recompiling never stalls lookups.
 */
public final class Classifier {
    /** The application id meaning "DPI has not identified the application yet". */
    public static final int APP_UNKNOWN = 0;

    private final TupleTable[] ingress;
    private final TupleTable[] egress;
    /** Per priority: the rule's app ids, or null for a rule without apps. */
    private final int[][] apps;
    private final Decision[] ruleDecisions;
    private final Decision[] needsApp;
    private final Decision[][] appDecisions;
    private final Decision defaultDecision;
    private final int generation;
    private final int ruleCount;
    private final long entries;

    private Classifier(TupleTable[] ingress, TupleTable[] egress, int[][] apps, Decision[] ruleDecisions,
                       Decision[] needsApp, Decision[][] appDecisions, Decision defaultDecision, int generation,
                       int ruleCount, long entries) {
        this.ingress = ingress;
        this.egress = egress;
        this.apps = apps;
        this.ruleDecisions = ruleDecisions;
        this.needsApp = needsApp;
        this.appDecisions = appDecisions;
        this.defaultDecision = defaultDecision;
        this.generation = generation;
        this.ruleCount = ruleCount;
        this.entries = entries;
    }

    /** Compiles a policy enforced in both directions. */
    public static Classifier compile(List<ClassifierRule> rules, Action defaultAction, int generation) {
        return compile(rules, defaultAction, PolicyDirection.BOTH, generation);
    }

    /**
     * @param rules the endpoint's rules, any order
     * @param defaultAction the policy's {@code defact}
     * @param direction the policy's {@code dir}: lookups in a direction it does not cover answer {@link Decision#UNENFORCED}
     * @param generation the policy generation, returned by {@link #generation()} for the session's records
     */
    public static Classifier compile(List<ClassifierRule> rules, Action defaultAction, PolicyDirection direction,
                                     int generation) {
        if (rules == null || defaultAction == null || direction == null) {
            throw new IllegalArgumentException((rules == null ? "rules" : defaultAction == null ? "defact" : "dir") + " must be set");
        }
        if (rules.size() > CellWord.MAX_RULES) {
            throw new IllegalArgumentException("rules: " + rules.size() + " rules, at most " + CellWord.MAX_RULES + " per policy");
        }
        List<ClassifierRule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt(ClassifierRule::id));
        int n = sorted.size();
        int[][] apps = new int[n][];
        Decision[] ruleDecisions = new Decision[n];
        Decision[] needsApp = new Decision[n];
        Decision[][] appDecisions = new Decision[n][];
        TupleSpaceBuilder in = new TupleSpaceBuilder();
        TupleSpaceBuilder out = new TupleSpaceBuilder();
        for (int p = 0; p < n; p++) {
            ClassifierRule r = sorted.get(p);
            ruleDecisions[p] = new Decision(Decision.Kind.RULE, r.id(), r.action(), 0);
            if (!r.apps().isEmpty()) {
                apps[p] = r.apps().stream().mapToInt(AppRule::appId).toArray();
                needsApp[p] = new Decision(Decision.Kind.NEEDS_APPLICATION, r.id(), r.action(), 0);
                appDecisions[p] = r.apps().stream()
                    .map(a -> new Decision(Decision.Kind.APPLICATION, a.ruleId(), a.action(), a.appId()))
                    .toArray(Decision[]::new);
            }
            if (r.ingress() ? direction.ingress : direction.egress) {
                (r.ingress() ? in : out).add(r, p);
            }
        }
        return new Classifier(direction.ingress ? in.build(apps) : null, direction.egress ? out.build(apps) : null, apps,
            ruleDecisions, needsApp, appDecisions, new Decision(Decision.Kind.DEFAULT, 0, defaultAction, 0), generation, n,
            in.entries() + out.entries());
    }

    /**
     * Classifies a connection. Addresses are in the two-long form of
     * {@link dev.microseg.dp.packet.Addresses}; {@code port} is the destination port (TCP/UDP),
     * the ICMP type (ICMP/ICMPv6) or 0.
     *
     * @param app the session's application id, or {@link #APP_UNKNOWN}
     */
    public Decision lookup(boolean ingressTraffic, long srcHi, long srcLo, long dstHi, long dstLo, int proto, int port,
                           int app) {
        TupleTable[] tuples = ingressTraffic ? ingress : egress;
        if (tuples == null) {
            return Decision.UNENFORCED;
        }
        int best = TupleTable.NONE;
        int[][] ruleApps = apps;
        for (TupleTable t : tuples) {
            if (t.minRank >= best) {
                continue;
            }
            int r = t.lookup(srcHi, srcLo, dstHi, dstLo, proto, port, app, best, ruleApps);
            if (r < best) {
                best = r;
            }
        }
        if (best == TupleTable.NONE) {
            return defaultDecision;
        }
        int priority = best >>> 1;
        if ((best & 1) == 0) {
            return ruleDecisions[priority];
        }
        if (app == APP_UNKNOWN) {
            return needsApp[priority];
        }
        int[] a = ruleApps[priority];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == app) {
                return appDecisions[priority][i];
            }
        }
        throw new IllegalStateException("tuple lookup returned rule " + ruleDecisions[priority].ruleId() + " without app " + app);
    }

    /** Convenience form of {@link #lookup(boolean, long, long, long, long, int, int, int)}. */
    public Decision lookup(boolean ingressTraffic, Addr src, Addr dst, int proto, int port, int app) {
        return lookup(ingressTraffic, src.hi(), src.lo(), dst.hi(), dst.lo(), proto, port, app);
    }

    public int generation() {
        return generation;
    }

    public int ruleCount() {
        return ruleCount;
    }

    public Decision defaultDecision() {
        return defaultDecision;
    }

    /** Tuples in the given direction's tuple space (0 when not enforced): the lookup's probe bound. */
    public int tupleCount(boolean ingressTraffic) {
        TupleTable[] t = ingressTraffic ? ingress : egress;
        return t == null ? 0 : t.length;
    }

    /** Prefix-pair entries stored over both directions. */
    public long entries() {
        return entries;
    }

    /** The tuples of a direction in probe order, null when not enforced (for tests of the layout). */
    TupleTable[] tuples(boolean ingressTraffic) {
        return ingressTraffic ? ingress : egress;
    }

    /** Bytes of the tuple tables' arrays. */
    public long memoryBytes() {
        long n = 0;
        for (TupleTable[] ts : new TupleTable[][] {ingress, egress}) {
            if (ts != null) {
                for (TupleTable t : ts) {
                    n += t.memoryBytes();
                }
            }
        }
        return n;
    }
}
