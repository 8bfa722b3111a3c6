package dev.microseg.bench;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.SessionView;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The session table at 1,000,000 sessions against a presized {@code ConcurrentHashMap} of session
 * objects: per-packet lookup-and-update of an existing session (random order, so mostly cache
 * misses, as with real traffic), and inserting 1,000,000 new sessions into an empty table.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionTableBench {
    static final int SESSIONS = 1_000_000;
    /** An odd stride co-prime with SESSIONS walks every session in a cache-hostile order. */
    static final int STRIDE = 611_953;

    static long src(int i) {
        return Addresses.v4Lo(0x0a000000 | (i & 0xfffff));
    }

    static long dst(int i) {
        return Addresses.v4Lo(0x0b000000 | (i >>> 20) << 8 | (i & 0xff));
    }

    static int sport(int i) {
        return 1024 + (i % 50_000);
    }

    private final SessionKey key = new SessionKey();
    private final SessionView view = new SessionView();
    private SessionTable table;
    private ConcurrentHashMap<SessionBaseline.FlowKey, SessionBaseline.Session> map;
    private int next;
    private long now;

    @Setup(Level.Trial)
    public void fill() {
        table = new SessionTable(SESSIONS);
        map = new ConcurrentHashMap<>(SESSIONS * 2);
        for (int i = 0; i < SESSIONS; i++) {
            table.track(key.set(IpProtocols.TCP, 0, src(i), sport(i), 0, dst(i), 443, false), 0x10, 100, 0, view);
            mapTrack(map, i, true, 0);
        }
    }

    /** Empty structures for the insert benchmarks, new for every invocation (and only for those). */
    @State(Scope.Thread)
    public static class Empty {
        SessionTable table;
        ConcurrentHashMap<SessionBaseline.FlowKey, SessionBaseline.Session> map;
        final SessionKey key = new SessionKey();
        final SessionView view = new SessionView();

        @Setup(Level.Invocation)
        public void fresh() {
            table = null;
            map = null;
            table = new SessionTable(SESSIONS);
            map = new ConcurrentHashMap<>(SESSIONS * 2);
        }
    }

    static SessionBaseline.Session mapTrack(ConcurrentHashMap<SessionBaseline.FlowKey, SessionBaseline.Session> m, int i,
                                            boolean forward, long now) {
        SessionBaseline.FlowKey k = forward
            ? SessionBaseline.FlowKey.of(IpProtocols.TCP, 0, src(i), sport(i), 0, dst(i), 443)
            : SessionBaseline.FlowKey.of(IpProtocols.TCP, 0, dst(i), 443, 0, src(i), sport(i));
        SessionBaseline.Session s = m.computeIfAbsent(k, x -> {
            SessionBaseline.Session n = new SessionBaseline.Session();
            n.firstSeen = now;
            return n;
        });
        synchronized (s) {
            s.packetsFromInitiator++;
            s.bytesFromInitiator += 100;
            s.lastSeen = now;
        }
        return s;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public long tableLookup() {
        int i = next;
        next = (next + STRIDE) % SESSIONS;
        table.track(key.set(IpProtocols.TCP, 0, dst(i), 443, 0, src(i), sport(i), false), 0x10, 100, ++now, view);
        return view.packetsFromResponder();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public long mapLookup() {
        int i = next;
        next = (next + STRIDE) % SESSIONS;
        return mapTrack(map, i, false, ++now).packetsFromInitiator;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OperationsPerInvocation(SESSIONS)
    public int tableInsert(Empty e) {
        SessionKey k = e.key;
        for (int i = 0; i < SESSIONS; i++) {
            e.table.track(k.set(IpProtocols.TCP, 0, src(i), sport(i), 0, dst(i), 443, false), 0x02, 60, 0, e.view);
        }
        return e.table.size();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OperationsPerInvocation(SESSIONS)
    public int mapInsert(Empty e) {
        for (int i = 0; i < SESSIONS; i++) {
            mapTrack(e.map, i, true, 0);
        }
        return e.map.size();
    }
}
