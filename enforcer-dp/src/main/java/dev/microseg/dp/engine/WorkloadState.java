package dev.microseg.dp.engine;

import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.PolicyTable;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlCfgPolicy;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.SyncPhase;
import dev.microseg.dp.protocol.WorkloadPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the agent configured about workloads, changed by the control thread only: endpoints (and
 * with them the intercept rules), compiled policies kept by MAC and published per endpoint, the
 * policy generation, and the mark-and-sweep of a {@code ctrl_sync} replay. Every change that can
 * alter a decision bumps the generation and asks for a re-evaluation ({@code changed}).
 *
 * <p>The intercept rules are rewritten once per burst, not once per command: an endpoint command
 * only marks them stale, and {@link #flushRules} (the control socket is drained, or a replay
 * ends) rewrites them from the endpoints then held. While a replay is open a stale rule set waits
 * for its end, at most {@link #REPLAY_RULES_DELAY}, so a replay of N endpoints costs one
 * {@code iptables-restore} instead of N. Until then a new endpoint's traffic is not queued
 * (it flows as before the endpoint was announced); a removed one's is still queued and decided
 * as traffic of no workload (allowed).
 */
final class WorkloadState {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadState.class);
    /**
     * Longest a replay holds back stale intercept rules: an agent that dies mid-replay must not
     * leave new endpoints unintercepted, and a replay of 4096 endpoints over a local socket takes
     * well under a second (ctrl_sync in docs/dp-protocol.md).
     */
    static final Duration REPLAY_RULES_DELAY = Duration.ofSeconds(5);

    private final int maxEndpoints;
    private final KernelRules rules;
    private final Runnable changed;
    private final Endpoints endpoints;
    private final PolicyTable policies;
    private final Decider decider;
    /**
     * Policies by MAC, at most {@link #maxPolicies()}: one per endpoint the dp can hold, which
     * leaves room for a whole replay's policies arriving before their endpoints; a policy for a
     * MAC beyond that is refused ({@code engine.policies_refused}), never kept without limit.
     */
    private final Map<MacAddress, Classifier> policyByMac = new HashMap<>();
    private final LongSupplier nanoClock;
    private final AtomicLong ruleUpdates = new AtomicLong();
    private final AtomicLong ruleUpdateFailures = new AtomicLong();
    private final AtomicLong policiesRefused = new AtomicLong();
    /** {@link System#nanoTime} when the rules became stale; meaningful while {@link #rulesStale}. */
    private long staleSince;
    private boolean rulesStale;
    private final AtomicInteger generation = new AtomicInteger(1);
    private final Set<MacAddress> seenEndpoints = new HashSet<>();
    private final Set<MacAddress> seenPolicies = new HashSet<>();
    private Long syncGen;
    private volatile int policyCount;

    WorkloadState(int maxEndpoints, KernelRules rules, Runnable changed, LongSupplier nanoClock) {
        this.maxEndpoints = maxEndpoints;
        this.nanoClock = nanoClock;
        this.rules = rules;
        this.changed = changed;
        this.endpoints = new Endpoints(maxEndpoints);
        this.policies = new PolicyTable(maxEndpoints);
        this.decider = new Decider(endpoints, policies);
    }

    Endpoints endpoints() {
        return endpoints;
    }

    Decider decider() {
        return decider;
    }

    /** The policy generation: bumped by every change a decision may depend on. Any thread. */
    int generation() {
        return generation.get();
    }

    /** Policies held (by MAC). Any thread. */
    int policyCount() {
        return policyCount;
    }

    /** The most policies held by MAC (the endpoint bound). */
    int maxPolicies() {
        return maxEndpoints;
    }

    /** Rewrites of the intercept rules, failed rewrites, policies refused for the bound. Any thread. */
    long ruleUpdates() {
        return ruleUpdates.get();
    }

    long ruleUpdateFailures() {
        return ruleUpdateFailures.get();
    }

    long policiesRefused() {
        return policiesRefused.get();
    }

    /** {@code ctrl_add_mac} / {@code ctrl_cfg_mac}: adds or replaces the endpoint with this MAC. */
    void putEndpoint(Endpoint e, String command) throws ControlException {
        boolean known = endpoints.get(e.mac()).isPresent();
        Endpoints.Entry entry = endpoints.put(e).orElseThrow(() -> new ControlException(ControlError.REJECTED,
                command + ".mac", "this dp holds at most " + maxEndpoints + " endpoints"));
        Classifier policy = policyByMac.get(e.mac());
        if (policy != null) {
            policies.publish(entry.index(), policy);
        } else if (!known) {
            policies.remove(entry.index());
        }
        generation.incrementAndGet();
        if (syncGen != null) {
            seenEndpoints.add(e.mac());
        }
        markRulesStale();
        LOG.atInfo().addKeyValue("mac", e.mac()).addKeyValue("iface", e.iface()).addKeyValue("ips", e.pips())
                .addKeyValue("index", entry.index()).addKeyValue("policy", policy != null)
                .log(known ? "event=endpoint_changed" : "event=endpoint_added");
        changed.run();
    }

    /** {@code ctrl_del_mac}: the endpoint and its policy go. */
    void deleteEndpoint(MacAddress mac) {
        policyByMac.remove(mac);
        policyCount = policyByMac.size();
        if (dropEndpoint(mac)) {
            markRulesStale();
            LOG.atInfo().addKeyValue("mac", mac).log("event=endpoint_removed");
        } else {
            LOG.atInfo().addKeyValue("mac", mac).log("event=endpoint_remove_unknown");
        }
    }

    private boolean dropEndpoint(MacAddress mac) {
        var removed = endpoints.remove(mac);
        removed.ifPresent(entry -> {
            policies.remove(entry.index());
            generation.incrementAndGet();
            changed.run();
        });
        return removed.isPresent();
    }

    private void markRulesStale() {
        if (!rulesStale) {
            rulesStale = true;
            staleSince = nanoClock.getAsLong();
        }
    }

    /** True when endpoint changes wait for {@link #flushRules}. */
    boolean rulesStale() {
        return rulesStale;
    }

    /**
     * Rewrites the intercept rules if endpoints changed since the last rewrite, unless a replay is
     * open and began holding them back less than {@link #REPLAY_RULES_DELAY} ago. On failure the
     * rules stay stale (the next call tries again).
     *
     * @param command the command to name in the error (the rewrite runs for a burst of them)
     */
    void flushRules(String command) throws ControlException {
        if (!rulesStale || syncGen != null && nanoClock.getAsLong() - staleSince < REPLAY_RULES_DELAY.toNanos()) {
            return;
        }
        try {
            rules.setWorkloads(endpoints.addresses());
        } catch (IOException | RuntimeException e) {
            ruleUpdateFailures.incrementAndGet();
            LOG.atError().setCause(e).log("event=intercept_update_failed");
            throw new ControlException(ControlError.INTERNAL, command, "updating the intercept rules failed: "
                    + e.getMessage());
        }
        rulesStale = false;
        ruleUpdates.incrementAndGet();
    }

    /** A whole {@code ctrl_cfg_policy}: compiled aside, then published to the workload's endpoints. */
    void applyPolicy(WorkloadPolicy p) throws ControlException {
        if (p.cmd() != PolicyCmd.DELETE) {
            // In a replay the bound applies to the replay's own policies: the ones it does not
            // mention go at its end, so the map holds at most twice the bound in between.
            Set<MacAddress> held = syncGen != null ? seenPolicies : policyByMac.keySet();
            long added = p.macs().stream().distinct().filter(m -> !held.contains(m)).count();
            if (held.size() + added > maxPolicies()) {
                policiesRefused.incrementAndGet();
                throw new ControlException(ControlError.REJECTED, CtrlCfgPolicy.KEY + ".mac", "this dp holds policies for at most "
                        + maxPolicies() + " MACs (" + held.size() + " held" + (syncGen != null ? " in this replay" : "")
                        + ", " + added + " new)");
            }
        }
        long started = System.nanoTime();
        int next = generation.get() + 1;
        Classifier compiled = p.cmd() == PolicyCmd.DELETE ? null : RuleMapping.compile(p, next);
        int applied = 0;
        for (MacAddress mac : p.macs()) {
            if (compiled == null) {
                policyByMac.remove(mac);
            } else {
                policyByMac.put(mac, compiled);
            }
            var entry = endpoints.get(mac);
            if (entry.isPresent()) {
                applied++;
                if (compiled == null) {
                    policies.remove(entry.get().index());
                } else {
                    policies.publish(entry.get().index(), compiled);
                }
            }
            if (syncGen != null) {
                seenPolicies.add(mac);
            }
        }
        generation.set(next);
        policyCount = policyByMac.size();
        LOG.atInfo().addKeyValue("mac", p.macs().getFirst()).addKeyValue("cmd", p.cmd())
                .addKeyValue("rules", p.rules().size()).addKeyValue("compiled", compiled == null ? 0 : compiled.ruleCount())
                .addKeyValue("fqdn_rules_ignored", RuleMapping.fqdnRules(p)).addKeyValue("defact", p.defact())
                .addKeyValue("dir", p.dir()).addKeyValue("endpoints", applied).addKeyValue("generation", next)
                .addKeyValue("compile_ms", (System.nanoTime() - started) / 1_000_000).log("event=policy_applied");
        changed.run();
    }

    /** {@code ctrl_sync}: the begin of a replay starts marking, its end drops what was not mentioned. */
    void sync(CtrlSync s) throws ControlException {
        if (s.phase() == SyncPhase.BEGIN) {
            syncGen = s.gen();
            seenEndpoints.clear();
            seenPolicies.clear();
            LOG.atInfo().addKeyValue("gen", s.gen()).log("event=sync_begin");
            return;
        }
        int endpointsDropped = 0;
        for (Endpoints.Entry e : endpoints.all()) {
            if (!seenEndpoints.contains(e.mac()) && dropEndpoint(e.mac())) {
                endpointsDropped++;
            }
        }
        int policiesDropped = 0;
        for (MacAddress mac : List.copyOf(policyByMac.keySet())) {
            if (!seenPolicies.contains(mac)) {
                policyByMac.remove(mac);
                endpoints.get(mac).ifPresent(e -> policies.remove(e.index()));
                policiesDropped++;
            }
        }
        policyCount = policyByMac.size();
        syncGen = null;
        if (policiesDropped > 0) {
            generation.incrementAndGet();
        }
        markRulesStale();
        flushRules(CtrlSync.KEY);
        changed.run();
        LOG.atInfo().addKeyValue("gen", s.gen()).addKeyValue("endpoints_dropped", endpointsDropped)
                .addKeyValue("policies_dropped", policiesDropped).addKeyValue("endpoints", endpoints.size())
                .log("event=sync_end");
    }
}
