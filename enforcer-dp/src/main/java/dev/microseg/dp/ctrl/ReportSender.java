package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.ReportEncoder;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the report stream to the agent's socket without ever blocking the dp: a non-blocking
 * channel, connected once and reconnected after the agent went away (junixsocket datagrams: connect
 * then write; its DatagramSocket API refuses a per-packet address). A message the agent's queue cannot
 * take, or that finds no agent, is counted as dropped; its seq is still used, so the agent sees the
 * gap. Thread-safe: engine threads may report concurrently.
 *
 * <p>An absent or failing agent never floods the log: after a failed write the next connection
 * attempt waits the reconnect interval too (an agent whose socket refuses every write is not
 * reconnected once per report), and the lines about the socket ({@code report_socket_absent},
 * {@code _lost}, {@code _connected}) share a {@link RateLimitedLog} budget; the lines left out
 * count in {@code ctrl.log_suppressed}.
 */
final class ReportSender implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);

    private final AFUNIXSocketAddress target;
    private final ControlCounters counters;
    private final long reconnectNanos;
    private final LongSupplier clock;
    private final ReportEncoder encoder = new ReportEncoder();
    private AFUNIXDatagramChannel channel;
    private long nextAttempt;
    private boolean closed;
    private final RateLimitedLog log;
    private boolean absentLogged;

    /**
     * @param logsPerWindow lines about the socket allowed per {@code logWindowNanos}
     */
    ReportSender(Path agentSocket, ControlCounters counters, long reconnectNanos, LongSupplier clock, int logsPerWindow,
                 long logWindowNanos) throws IOException {
        this.target = AFUNIXSocketAddress.of(agentSocket);
        this.counters = counters;
        this.log = new RateLimitedLog(LOG, logsPerWindow, logWindowNanos, clock,
                () -> counters.inc(ControlCounters.Name.LOG_SUPPRESSED));
        this.reconnectNanos = reconnectNanos;
        this.clock = clock;
        this.nextAttempt = clock.getAsLong();
    }

    /** Sends every message of {@code report}; true if all were handed to the agent's socket. */
    synchronized boolean send(Report report) {
        List<byte[]> messages = encoder.encode(report);
        int sent = 0;
        for (byte[] m : messages) {
            if (sendOne(m)) {
                sent++;
            }
        }
        counters.add(ControlCounters.Name.REPORTS_SENT, sent);
        counters.add(ControlCounters.Name.REPORTS_DROPPED, messages.size() - sent);
        return sent == messages.size();
    }

    private boolean sendOne(byte[] message) {
        if (closed || !connected()) {
            return false;
        }
        try {
            return channel.write(ByteBuffer.wrap(message)) == message.length;
        } catch (IOException e) {
            log.info("event=report_socket_lost path=" + target.getPath() + " reason=\"" + e.getMessage() + "\"");
            disconnect();
            return false;
        }
    }

    private boolean connected() {
        if (channel != null) {
            return true;
        }
        long now = clock.getAsLong();
        if (now - nextAttempt < 0) {
            return false;
        }
        AFUNIXDatagramChannel c = null;
        try {
            c = AFUNIXDatagramChannel.open();
            c.configureBlocking(false);
            c.connect(target);
            channel = c;
            absentLogged = false;
            log.info("event=report_socket_connected path=" + target.getPath());
            return true;
        } catch (IOException e) {
            closeQuietly(c);
            nextAttempt = now + reconnectNanos;
            if (!absentLogged) {
                absentLogged = true;
                log.info("event=report_socket_absent path=" + target.getPath() + " reason=\"" + e.getMessage()
                        + "\" action=dropping_reports");
            }
            return false;
        }
    }

    private void disconnect() {
        closeQuietly(channel);
        channel = null;
        nextAttempt = clock.getAsLong() + reconnectNanos;
    }

    private static void closeQuietly(AFUNIXDatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing a datagram channel that failed to connect cannot lose data.
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(channel);
        channel = null;
    }
}
