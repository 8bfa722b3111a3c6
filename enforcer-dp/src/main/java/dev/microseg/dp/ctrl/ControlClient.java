package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.ControlEncoder;
import dev.microseg.dp.protocol.Counter;
import dev.microseg.dp.protocol.CountersReport;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.CtrlStats;
import dev.microseg.dp.protocol.DecodedReport;
import dev.microseg.dp.protocol.InternalNets;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.PolicySplitter;
import dev.microseg.dp.protocol.ProtocolLimits;
import dev.microseg.dp.protocol.ReportDecodeException;
import dev.microseg.dp.protocol.ReportDecoder;
import dev.microseg.dp.protocol.WorkloadPolicy;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The agent end of the control protocol, used by node-enforcer, by {@code microseg-dp status} and by
 * the tests: binds its own socket (the dp replies to it and, when it is the agent's report path,
 * sends the report stream to it), sends commands to the dp's control socket and receives reports.
 *
 * <p>Commands are sent from the bound socket with the dp's address on each datagram (a
 * {@code DatagramChannel.send} with an address works with junixsocket's channel), so the dp sees where
 * to reply. A send waits while the dp's queue is full, up to the send timeout. One thread may
 * receive while others send.
 */
public final class ControlClient implements AutoCloseable {
    /** Default bound on a send when the dp does not drain its queue: the keep-alive period. */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(2);
    /** Socket timeout slice; receive and send loop over it until their own deadline. */
    private static final int POLL_MILLIS = 100;
    /** Report messages are at most 65535 bytes; one byte more tells an oversize one apart. */
    private static final int RECEIVE_BUFFER = ProtocolLimits.MAX_REPORT_MESSAGE + 1;

    private final Path ownPath;
    private final AFUNIXSocketAddress dp;
    private final AFUNIXDatagramChannel channel;
    private final Duration sendTimeout;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
    private final Object sendLock = new Object();
    private final Object receiveLock = new Object();

    private ControlClient(Path ownPath, Path dpSocket, Duration sendTimeout) throws IOException {
        this.ownPath = ownPath;
        this.dp = AFUNIXSocketAddress.of(dpSocket);
        this.sendTimeout = sendTimeout;
        Files.deleteIfExists(ownPath);
        this.channel = AFUNIXDatagramChannel.open();
        try {
            channel.bind(AFUNIXSocketAddress.of(ownPath));
            // A unix datagram may be at most SO_SNDBUF - 32 bytes (Linux af_unix.c); 256 KiB needs more than the default.
            channel.setOption(StandardSocketOptions.SO_SNDBUF, ProtocolLimits.MAX_DATAGRAM + 64 * 1024);
            channel.socket().setSoTimeout(POLL_MILLIS);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(ownPath);
            throw new IOException("binding client socket " + ownPath + ": " + e.getMessage(), e);
        }
    }

    /** Binds {@code ownSocket} (replacing a stale file) and talks to the dp at {@code dpSocket}. */
    public static ControlClient open(Path ownSocket, Path dpSocket) throws IOException {
        return new ControlClient(ownSocket, dpSocket, DEFAULT_SEND_TIMEOUT);
    }

    public static ControlClient open(Path ownSocket, Path dpSocket, Duration sendTimeout) throws IOException {
        return new ControlClient(ownSocket, dpSocket, sendTimeout);
    }

    /**
     * What {@code microseg-dp status} does: binds a private socket in a fresh temporary directory,
     * asks the dp for its counters, and cleans up.
     */
    public static Map<String, Long> queryStats(Path dpSocket, Duration timeout)
            throws IOException, TimeoutException, ReportDecodeException {
        Path dir = Files.createTempDirectory("microseg-status");
        try (ControlClient c = open(dir.resolve("status.sock"), dpSocket)) {
            return c.stats(1, timeout, null).asMap();
        } finally {
            Files.deleteIfExists(dir.resolve("status.sock"));
            Files.deleteIfExists(dir);
        }
    }

    public Path socketPath() {
        return ownPath;
    }

    /** Sends one command as one datagram. */
    public void send(ControlCommand cmd) throws IOException {
        sendDatagram(ControlEncoder.encode(cmd));
    }

    /** Sends a whole policy in batches of 40 rules; returns the number of datagrams. */
    public int sendPolicy(WorkloadPolicy policy) throws IOException {
        return sendAll(PolicySplitter.split(policy));
    }

    /** Sends the internal-net set in batches; returns the number of datagrams. */
    public int sendInternalNets(InternalNets nets) throws IOException {
        return sendAll(PolicySplitter.split(nets));
    }

    private int sendAll(List<byte[]> datagrams) throws IOException {
        synchronized (sendLock) {
            for (byte[] d : datagrams) {
                sendDatagram(d);
            }
        }
        return datagrams.size();
    }

    /** Sends raw bytes as one datagram (the tests send malformed ones this way). */
    public void sendDatagram(byte[] datagram) throws IOException {
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        synchronized (sendLock) {
            while (true) {
                // With SO_SNDTIMEO set, a full dp queue makes send wait one slice and return 0.
                int n = channel.send(ByteBuffer.wrap(datagram), dp);
                if (n == datagram.length) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("dp control socket " + dp.getPath() + " did not take a datagram within "
                            + sendTimeout.toMillis() + " ms");
                }
            }
        }
    }

    /**
     * The next report message, waiting up to {@code timeout}; empty if none came. A message that does
     * not decode is thrown as {@link ReportDecodeException} and the next call goes on with the next one.
     */
    public Optional<DecodedReport> receive(Duration timeout) throws IOException, ReportDecodeException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (receiveLock) {
            while (true) {
                receiveBuffer.clear();
                channel.receive(receiveBuffer);
                int n = receiveBuffer.position();
                if (n > 0) {
                    // The report stream comes from an unbound socket: no sender address, but data.
                    byte[] m = new byte[n];
                    receiveBuffer.flip().get(m);
                    return Optional.of(ReportDecoder.decode(m));
                }
                if (System.nanoTime() - deadline >= 0) {
                    return Optional.empty();
                }
            }
        }
    }

    /** Sends {@code ctrl_keep_alive} and waits for its echo; other reports go to {@code others} (may be null). */
    public KeepAliveEcho keepAlive(long seqNum, Duration timeout, Consumer<DecodedReport> others)
            throws IOException, TimeoutException, ReportDecodeException {
        send(new CtrlKeepAlive(seqNum));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DecodedReport r = next(deadline, "keep-alive echo " + seqNum);
            if (r.report() instanceof KeepAliveEcho e && e.seqNum() == seqNum) {
                return e;
            }
            offer(others, r);
        }
    }

    /** Sends {@code ctrl_stats} and collects the (possibly split) counters reply. */
    public CountersReport stats(long seqNum, Duration timeout, Consumer<DecodedReport> others)
            throws IOException, TimeoutException, ReportDecodeException {
        send(new CtrlStats(seqNum));
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Counter> all = new ArrayList<>();
        while (true) {
            DecodedReport r = next(deadline, "counters reply " + seqNum);
            if (r.report() instanceof CountersReport c && c.seqNum() == seqNum) {
                all.addAll(c.counters());
                if (r.header().more() == 0) {
                    return new CountersReport(seqNum, all);
                }
            } else {
                offer(others, r);
            }
        }
    }

    private DecodedReport next(long deadline, String what) throws IOException, TimeoutException, ReportDecodeException {
        long left = deadline - System.nanoTime();
        Optional<DecodedReport> r = left > 0 ? receive(Duration.ofNanos(left)) : Optional.empty();
        if (r.isEmpty()) {
            throw new TimeoutException("no " + what + " from the dp at " + dp.getPath());
        }
        return r.get();
    }

    private static void offer(Consumer<DecodedReport> others, DecodedReport r) {
        if (others != null) {
            others.accept(r);
        }
    }

    /** Closes the socket and removes its file. */
    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(ownPath);
    }
}
