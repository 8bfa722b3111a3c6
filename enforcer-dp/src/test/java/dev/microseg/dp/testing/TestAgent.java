package dev.microseg.dp.testing;

import dev.microseg.dp.ctrl.ControlClient;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.Counter;
import dev.microseg.dp.protocol.CountersReport;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.CtrlStats;
import dev.microseg.dp.protocol.DecodedReport;
import dev.microseg.dp.protocol.ErrorReport;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.ReportDecodeException;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReport;
import dev.microseg.dp.protocol.WorkloadPolicy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The agent's side of the control protocol for end-to-end tests: a {@link ControlClient} bound at
 * the agent's report path, and a thread that collects every report message the dp sends (replies
 * and the report stream alike) so tests can wait for the ones they expect.
 */
public final class TestAgent implements AutoCloseable {
    private final ControlClient client;
    private final List<DecodedReport> received = new CopyOnWriteArrayList<>();
    private final List<ReportDecodeException> undecodable = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong(1000);
    private final Thread receiver;
    private volatile boolean closed;

    private TestAgent(ControlClient client) {
        this.client = client;
        this.receiver = Thread.ofPlatform().daemon(true).name("test-agent").start(this::receive);
    }

    /** Binds {@code own} (the dp's report path) and talks to the dp at {@code dp}. */
    public static TestAgent open(Path own, Path dp) throws IOException {
        return new TestAgent(ControlClient.open(own, dp));
    }

    private void receive() {
        while (!closed) {
            try {
                client.receive(Duration.ofMillis(200)).ifPresent(received::add);
            } catch (ReportDecodeException e) {
                undecodable.add(e);
            } catch (IOException e) {
                if (!closed) {
                    undecodable.add(new ReportDecodeException(e.getMessage(), 0));
                }
                return;
            }
        }
    }

    public ControlClient client() {
        return client;
    }

    public void send(ControlCommand cmd) throws IOException {
        client.send(cmd);
    }

    public void sendPolicy(WorkloadPolicy p) throws IOException {
        client.sendPolicy(p);
    }

    public void sendDatagram(byte[] d) throws IOException {
        client.sendDatagram(d);
    }

    /** Report bodies of one kind received so far. */
    public <T extends Report> List<T> reports(Class<T> kind) {
        return received.stream().map(DecodedReport::report).filter(kind::isInstance).map(kind::cast).toList();
    }

    public List<Connection> connections() {
        return reports(ConnectionReport.class).stream().flatMap(r -> r.connections().stream()).toList();
    }

    public List<Violation> violations() {
        return reports(ViolationReport.class).stream().flatMap(r -> r.violations().stream()).toList();
    }

    public List<ErrorReport> errors() {
        return reports(ErrorReport.class);
    }

    public List<ReportDecodeException> undecodable() {
        return List.copyOf(undecodable);
    }

    /** Waits until some received connection record matches. */
    public Optional<Connection> awaitConnection(Predicate<Connection> p, Duration timeout) throws InterruptedException {
        Await.condition(() -> connections().stream().anyMatch(p), timeout);
        return connections().stream().filter(p).findFirst();
    }

    public Optional<Violation> awaitViolation(Predicate<Violation> p, Duration timeout) throws InterruptedException {
        Await.condition(() -> violations().stream().anyMatch(p), timeout);
        return violations().stream().filter(p).findFirst();
    }

    public Optional<ErrorReport> awaitError(Predicate<ErrorReport> p, Duration timeout) throws InterruptedException {
        Await.condition(() -> errors().stream().anyMatch(p), timeout);
        return errors().stream().filter(p).findFirst();
    }

    /** Sends {@code ctrl_keep_alive} and waits for its echo. */
    public KeepAliveEcho keepAlive(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long n = seq.incrementAndGet();
        client.send(new CtrlKeepAlive(n));
        Await.condition(() -> reports(KeepAliveEcho.class).stream().anyMatch(e -> e.seqNum() == n), timeout);
        return reports(KeepAliveEcho.class).stream().filter(e -> e.seqNum() == n).findFirst()
                .orElseThrow(() -> new TimeoutException("no keep-alive echo " + n + " within " + timeout));
    }

    /** Sends {@code ctrl_stats} and collects every part of the counters reply. */
    public Map<String, Long> stats(Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long n = seq.incrementAndGet();
        client.send(new CtrlStats(n));
        Predicate<DecodedReport> last = r -> r.report() instanceof CountersReport c && c.seqNum() == n
                && r.header().more() == 0;
        if (!Await.condition(() -> received.stream().anyMatch(last), timeout)) {
            throw new TimeoutException("no counters reply " + n + " within " + timeout);
        }
        Map<String, Long> m = new LinkedHashMap<>();
        List<Counter> all = new ArrayList<>();
        received.stream().map(DecodedReport::report).filter(r -> r instanceof CountersReport c && c.seqNum() == n)
                .forEach(r -> all.addAll(((CountersReport) r).counters()));
        all.forEach(c -> m.put(c.name(), c.value()));
        return m;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
