package dev.microseg.dp.engine;

import dev.microseg.dp.ctrl.ControlHandler;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.kcache.AllowCache;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.policy.PolicyTable;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlCfgMac;
import dev.microseg.dp.protocol.CtrlDelMac;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.InternalNets;
import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.Subnet;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.session.RemovalCause;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.SessionTimeouts;
import dev.microseg.dp.session.SessionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The data plane's engine: what the control protocol configures ({@link ControlHandler}, on the
 * control thread) and what the packet path ({@link PacketPipeline}, one per queue thread) and the
 * reporter ({@link Reporter}) read.
 *
 * <p>Endpoints ({@code ctrl_add_mac}...) get an index and their addresses an allocation-free,
 * copy-on-write lookup ({@link Endpoints}); the intercept rules follow their addresses, rewritten
 * once per burst of commands ({@link #onIdle()}, the end of a replay). A policy
 * ({@code ctrl_cfg_policy}) is mapped ({@link RuleMapping}), compiled aside and published per
 * endpoint with one volatile write ({@link PolicyTable}); then the policy generation is bumped
 * and live connections are re-decided ({@link Reevaluation}). Policies are kept by MAC, so one
 * that arrives before its endpoint applies when the endpoint does. {@code ctrl_sync} marks what a
 * replay mentions and drops the rest at its end; {@code ctrl_sys_conf} sets the fail verdict, the
 * kernel's bypass, the report interval, TCP resets on deny and the session table's size (capped to
 * what the heap holds, {@link SessionBudget}) and idle timeouts (a new size or timeout means a new, empty table: connections the dp still decides
 * are decided again on their next packet, offloaded ones are not affected).
 */
public final class Engine implements ControlHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final SessionBudget budget;
    /** The most sessions the heap holds ({@link SessionBudget}). */
    private final int heapCap;
    private final KernelRules rules;
    private final AppIdentifier apps;
    private final LongSupplier clock;
    private final WorkloadState workloads;
    private final AtomicBoolean reevaluate = new AtomicBoolean();
    private final List<PathCounters> pathCounters = new CopyOnWriteArrayList<>();
    private final List<PacketPipeline> pipelines = new CopyOnWriteArrayList<>();
    private final List<EventRing> rings = new CopyOnWriteArrayList<>();
    private final ThreadLocal<EventRing> threadRing = new ThreadLocal<>();
    private final EngineCounters stats = new EngineCounters();
    private volatile SessionTable sessions;
    private volatile CtrlSysConf sysConf;
    private volatile List<Subnet> internalNets = List.of();
    private volatile Consumer<Report> sink = r -> { };
    private volatile Supplier<QueueProcStats> queueStats = () -> QueueProcStats.NONE;
    private volatile Supplier<Map<String, Long>> queueCounters = Map::of;
    private volatile Thread reporterThread;
    private volatile Reporter reporter;
    private volatile ConntrackPort conntrack;
    private volatile AllowCache allowCache = AllowCache.NONE;

    public Engine(EngineConfig config, KernelRules rules, AppIdentifier apps) {
        this(config, rules, apps, System::currentTimeMillis);
    }

    Engine(EngineConfig config, KernelRules rules, AppIdentifier apps, LongSupplier clock) {
        this(config, rules, apps, clock, SessionBudget.ofRuntime());
    }

    /** With the heap's budget for sessions given (tests of the cap). */
    Engine(EngineConfig config, KernelRules rules, AppIdentifier apps, LongSupplier clock, SessionBudget budget) {
        this.config = config;
        this.budget = budget;
        this.heapCap = budget.cap(CtrlSysConf.MAX_SESSIONS);
        this.rules = rules;
        this.apps = apps;
        this.clock = clock;
        this.workloads = new WorkloadState(config.maxEndpoints(), rules, this::requestReevaluation, System::nanoTime);
        CtrlSysConf d = CtrlSysConf.defaults();
        this.sysConf = new CtrlSysConf(config.failOpen(), d.reportInterval(), d.tcpRstOnDeny(), config.maxSessions(),
                d.tcpIdleTimeout(), d.udpIdleTimeout(), d.icmpIdleTimeout());
        this.sessions = newSessionTable(sysConf, "start");
    }

    // ------------------------------------------------------------------ wiring (Dataplane, tests)

    /** Where reports go (the control server's report stream). */
    public void reportTo(Consumer<Report> sink) {
        this.sink = sink;
    }

    /**
     * The kernel allow cache: offered final L3/L4 allows, flushed by every change that bumps the
     * policy generation before the re-evaluation is asked for.
     */
    void allowCache(AllowCache cache) {
        this.allowCache = cache;
    }

    AllowCache allowCache() {
        return allowCache;
    }

    /**
     * Whether new allows go to the kernel allow cache now: only while failing open (a killed dp
     * cannot empty it, and failing closed a dead dp must stop new connections).
     */
    boolean caching() {
        return sysConf.failOpen() && allowCache.enabled();
    }

    /** The kernel's queue counters (read on the reporter thread) and the queues' own counters. */
    void queueStatistics(Supplier<QueueProcStats> kernel, Supplier<Map<String, Long>> queues) {
        this.queueStats = kernel;
        this.queueCounters = queues;
    }

    /**
     * The packet handler for one more queue thread (one per queue: it owns reusable state and the
     * ring to the reporter).
     */
    public PacketHandler newPacketHandler() {
        PathCounters c = new PathCounters();
        EventRing r = new EventRing(EventRing.DEFAULT_CAPACITY);
        PacketPipeline p = new PacketPipeline(this, c, r);
        pathCounters.add(c);
        rings.add(r);
        pipelines.add(p);
        return p;
    }

    /** Runs the reporter on the calling thread until {@link #stopReporter()}; closes {@code conntrack} at the end. */
    void runReporter(ConntrackPort conntrack) {
        Reporter r = createReporter(conntrack);
        try {
            r.run();
        } finally {
            if (conntrack != null) {
                conntrack.close();
            }
        }
    }

    /** The reporter, bound to the calling thread (tests drive it with {@link Reporter#step()}). */
    Reporter createReporter(ConntrackPort conntrack) {
        this.conntrack = conntrack;
        Reporter r = new Reporter(this, conntrack, SessionBudget.FLOWS_PER_SESSION * sessions.capacity());
        reporterThread = Thread.currentThread();
        reporter = r;
        return r;
    }

    void stopReporter() {
        Reporter r = reporter;
        if (r != null) {
            r.stop();
        }
    }

    // ------------------------------------------------------------------ read by the packet path and reporter

    SessionTable sessions() {
        return sessions;
    }

    int generation() {
        return workloads.generation();
    }

    boolean failOpen() {
        return sysConf.failOpen();
    }

    boolean rstOnDeny() {
        return sysConf.tcpRstOnDeny();
    }

    boolean offload() {
        return config.offload();
    }

    MarkBits marks() {
        return config.marks();
    }

    Decider decider() {
        return workloads.decider();
    }

    AppIdentifier apps() {
        return apps;
    }

    Endpoints endpoints() {
        return workloads.endpoints();
    }

    long now() {
        return clock.getAsLong();
    }

    long reportIntervalMillis() {
        return sysConf.reportInterval() * 1000L;
    }

    List<Subnet> internalNets() {
        return internalNets;
    }

    List<EventRing> rings() {
        return rings;
    }

    void bindRing(EventRing ring) {
        threadRing.set(ring);
    }

    void report(Report r) {
        sink.accept(r);
    }

    QueueProcStats readQueueStats() {
        return queueStats.get();
    }

    /** Each queue thread's count of finished receive batches ({@link PacketPipeline#batchDone()}). */
    long[] queueBatches() {
        long[] b = new long[pipelines.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = pipelines.get(i).batches();
        }
        return b;
    }

    /** True when every queue thread of {@code before} has finished a batch since it was taken. */
    boolean queuesPassed(long[] before) {
        for (int i = 0; i < before.length; i++) {
            if (pipelines.get(i).batches() <= before[i]) {
                return false;
            }
        }
        return true;
    }

    boolean takeReevaluationRequest() {
        return reevaluate.getAndSet(false);
    }

    void countReevaluation(int cutNow, int readmittedNow) {
        stats.countReevaluation(cutNow, readmittedNow);
    }

    /**
     * Every change a decision may depend on ends here, after the generation was bumped: the kernel
     * allow cache is emptied first (synchronously), so no connection the new policy denies or only
     * violates is accepted by a stale entry, then the re-evaluation of live connections is asked for.
     */
    private void requestReevaluation() {
        allowCache.flush("policy generation " + generation());
        reevaluate.set(true);
    }

    /** A table for {@code c}'s max_sessions, capped to what the heap holds ({@link SessionBudget}). */
    private SessionTable newSessionTable(CtrlSysConf c, String source) {
        return new SessionTable(budget.capLogged(c.maxSessions(), source), timeouts(c), this::onSessionRemoved);
    }

    /** conntrack's timeouts, with the idle ones {@code ctrl_sys_conf} carries. */
    static SessionTimeouts timeouts(CtrlSysConf c) {
        SessionTimeouts k = SessionTimeouts.CONNTRACK;
        long udp = c.udpIdleTimeout() * 1000L;
        return new SessionTimeouts(k.synSentMs(), k.synRecvMs(), c.tcpIdleTimeout() * 1000L, k.finWaitMs(), k.lastAckMs(),
                k.timeWaitMs(), k.closeMs(), Math.min(k.udpUnrepliedMs(), udp), udp, c.icmpIdleTimeout() * 1000L,
                k.otherMs());
    }

    /** Session listener: called with a segment lock held, on whichever thread removed the session. */
    private void onSessionRemoved(SessionView s, RemovalCause cause) {
        if (Thread.currentThread() == reporterThread) {
            reporter.flows().removed(s);
            return;
        }
        EventRing r = threadRing.get();
        if (r == null || !r.offer(EventRing.REMOVED, s, s.verdict().ordinal(), -1, 0, s.endpoint(), s.ruleId(),
                s.applicationId(), now(), 0)) {
            stats.unroutedEvents.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------ control commands

    @Override
    public void onAddMac(CtrlAddMac cmd) throws ControlException {
        workloads.putEndpoint(cmd.endpoint(), CtrlAddMac.KEY);
    }

    @Override
    public void onCfgMac(CtrlCfgMac cmd) throws ControlException {
        workloads.putEndpoint(cmd.endpoint(), CtrlCfgMac.KEY);
    }

    @Override
    public void onDelMac(CtrlDelMac cmd) throws ControlException {
        workloads.deleteEndpoint(cmd.endpoint().mac());
    }

    @Override
    public void onPolicy(WorkloadPolicy p) throws ControlException {
        workloads.applyPolicy(p);
    }

    @Override
    public void onInternalNets(InternalNets nets) {
        internalNets = List.copyOf(nets.subnets());
        allowCache.flush("internal nets");
        LOG.atInfo().addKeyValue("subnets", internalNets.size()).log("event=internal_nets_applied");
    }

    @Override
    public void onSysConf(CtrlSysConf c) throws ControlException {
        CtrlSysConf old = sysConf;
        if (c.failOpen() != old.failOpen()) {
            try {
                rules.setFailOpen(c.failOpen());
            } catch (IOException | RuntimeException e) {
                throw new ControlException(ControlError.INTERNAL, CtrlSysConf.KEY + ".fail_open",
                        "rewriting the queue rule failed: " + e.getMessage());
            }
        }
        boolean newTable = c.maxSessions() != old.maxSessions() || !timeouts(c).equals(timeouts(old));
        sysConf = c;
        if (old.failOpen() && !c.failOpen()) {
            allowCache.flush("fail-closed");
        }
        if (newTable) {
            sessions = newSessionTable(c, CtrlSysConf.KEY);
        }
        LOG.atInfo().addKeyValue("fail_open", c.failOpen()).addKeyValue("report_interval", c.reportInterval())
                .addKeyValue("tcp_rst_on_deny", c.tcpRstOnDeny()).addKeyValue("max_sessions", c.maxSessions())
                .addKeyValue("tcp_idle_timeout", c.tcpIdleTimeout()).addKeyValue("udp_idle_timeout", c.udpIdleTimeout())
                .addKeyValue("icmp_idle_timeout", c.icmpIdleTimeout()).addKeyValue("new_session_table", newTable)
                .log("event=sys_conf_applied");
    }

    @Override
    public void onSync(CtrlSync s) throws ControlException {
        workloads.sync(s);
    }

    /** The control socket is drained: the intercept rules follow the endpoint commands of the burst. */
    @Override
    public void onIdle() throws ControlException {
        workloads.flushRules("endpoints");
    }

    // ------------------------------------------------------------------ counters

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(stats.snapshot(pathCounters, sessions, heapCap, workloads, reporter,
                conntrack, queueCounters.get()));
        m.putAll(allowCache.counters());
        Reporter r = reporter;
        if (r != null) {
            m.put("report.cache_adopted", r.flows().cacheAdopted);
            m.put("report.cache_destroyed_dropped", r.flows().cacheDestroyedDropped);
        }
        return m;
    }
}
