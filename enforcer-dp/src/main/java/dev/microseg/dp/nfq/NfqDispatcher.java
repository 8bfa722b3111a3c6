package dev.microseg.dp.nfq;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.netlink.NlDecodeException;
import dev.microseg.dp.netlink.NlWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;

/**
 * The socket-free half of a queue: decodes received datagrams, calls the handler, keeps the
 * verdict buffer and encodes it. Separated from {@link NfQueue} so the whole receive path can be
 * fed crafted datagrams in unit tests.
 */
final class NfqDispatcher implements Verdicts {
    private static final Logger LOG = LoggerFactory.getLogger(NfqDispatcher.class);
    /** Problems logged one by one before switching to one line per this many. */
    private static final int LOG_EVERY = 1000;

    /** Sends one encoded datagram of verdicts. */
    @FunctionalInterface
    interface Sender {
        void send(MemorySegment buf, long len, String step) throws NetlinkException;
    }

    private final int queue;
    private final String sendStep;
    private final int fallback;
    private final int slotBytes;
    private final Sender sender;
    private final NfqCodec codec = new NfqCodec();
    private final NlCursor cursor = new NlCursor();
    private final NfqPacket packet = new NfqPacket();
    private final VerdictBatcher batcher;
    private final NlWriter writer;
    final QueueCounters counters = new QueueCounters();
    private boolean inHandler;
    private int currentId;
    private boolean currentDecided;
    private long deferred;

    NfqDispatcher(int queue, boolean failOpen, int slotBytes, int verdictCapacity, MemorySegment sendBuffer,
                  Sender sender) {
        this.queue = queue;
        this.sendStep = "sending verdicts to queue " + queue;
        this.fallback = failOpen ? Verdict.ACCEPT.code() : Verdict.DROP.code();
        this.slotBytes = slotBytes;
        this.sender = sender;
        this.batcher = new VerdictBatcher(queue, verdictCapacity);
        this.writer = new NlWriter(sendBuffer);
        if (sendBuffer.byteSize() < VerdictBatcher.maxEncodedBytes(verdictCapacity)) {
            throw new IllegalArgumentException("send buffer of " + sendBuffer.byteSize() + " bytes is too small for "
                    + verdictCapacity + " verdicts");
        }
    }

    static int sendBufferBytes(int verdictCapacity) {
        return VerdictBatcher.maxEncodedBytes(verdictCapacity);
    }

    /**
     * Handles the messages of one received datagram.
     *
     * @param truncated the kernel flagged MSG_TRUNC: the datagram did not fit its slot
     * @return packets handed to the handler
     * @throws NetlinkException only when sending verdicts fails
     */
    int process(MemorySegment buf, long offset, long length, boolean truncated, PacketHandler handler)
            throws NetlinkException {
        if (truncated) {
            counters.inc(QueueCounters.TRUNCATED);
            malformed(buf, "datagram larger than the " + slotBytes + "-byte receive slot", offset, length);
            return 0;
        }
        int handled = 0;
        boolean walked = false;
        cursor.reset(buf, offset, length);
        try {
            while (cursor.next()) {
                walked = true;
                int type = cursor.type();
                if (type == NfqCodec.PACKET_TYPE) {
                    handled += deliver(handler);
                } else if (type == Nl.NLMSG_ERROR) {
                    kernelError();
                }
            }
        } catch (NlDecodeException e) {
            counters.inc(QueueCounters.MALFORMED);
            if (walked) {
                warn(e.getMessage(), -1);
            } else {
                malformed(buf, e.getMessage(), offset, length);
            }
        }
        return handled;
    }

    private int deliver(PacketHandler handler) throws NetlinkException {
        try {
            codec.decodePacket(cursor, packet);
        } catch (NlDecodeException e) {
            counters.inc(QueueCounters.MALFORMED);
            malformed(cursor.buffer(), e.getMessage(), cursor.offset(), cursor.length());
            return 0;
        }
        counters.inc(QueueCounters.PACKETS);
        inHandler = true;
        currentId = packet.id;
        currentDecided = false;
        try {
            handler.onPacket(packet, this);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NetlinkException ne) {
                throw ne;
            }
            handlerFailed(e);
        } catch (RuntimeException e) {
            handlerFailed(e);
        } finally {
            inHandler = false;
        }
        if (!currentDecided) {
            deferred++;
            counters.set(QueueCounters.DEFERRED, deferred);
        }
        return 1;
    }

    private void handlerFailed(RuntimeException e) {
        long n = counters.inc(QueueCounters.HANDLER_ERRORS);
        if (n <= 10 || n % LOG_EVERY == 0) {
            LOG.atWarn().addKeyValue("queue", queue).addKeyValue("packetId", Integer.toUnsignedString(currentId))
                    .addKeyValue("handlerErrors", n).setCause(e).log("packet handler threw; fallback verdict given");
        }
        if (!currentDecided) {
            giveFallback(currentId);
            currentDecided = true;
        }
    }

    private void kernelError() {
        if (cursor.payloadLength() < 4) {
            return;
        }
        int error = Nl.hostU32(cursor.buffer(), cursor.payloadOffset());
        if (error == 0) {
            return;
        }
        long n = counters.inc(QueueCounters.KERNEL_ERRORS);
        counters.set(QueueCounters.LAST_ERRNO, -error);
        if (n <= 10 || n % LOG_EVERY == 0) {
            LOG.atWarn().addKeyValue("queue", queue).addKeyValue("packetId", Integer.toUnsignedString(cursor.seq()))
                    .addKeyValue("error", Errno.describe(error)).addKeyValue("kernelErrors", n)
                    .log("kernel rejected a verdict");
        }
    }

    /**
     * A message that cannot be decoded. When it is a packet whose id is readable it gets the
     * fallback verdict; only the datagram's first message is salvaged, so a packet already handled
     * earlier in the datagram is never given a second verdict.
     */
    private void malformed(MemorySegment buf, String problem, long offset, long length) {
        long id = NfqCodec.salvagePacketId(buf, offset, length);
        warn(problem, id);
        if (id >= 0) {
            giveFallback((int) id);
        }
    }

    private void warn(String problem, long id) {
        long n = counters.get(QueueCounters.MALFORMED) + counters.get(QueueCounters.TRUNCATED);
        if (n <= 10 || n % LOG_EVERY == 0) {
            LOG.atWarn().addKeyValue("queue", queue).addKeyValue("problem", problem)
                    .addKeyValue("packetId", id >= 0 ? Long.toString(id) : "unreadable").addKeyValue("count", n)
                    .log("malformed nfqueue datagram");
        }
    }

    private void giveFallback(int id) {
        counters.inc(QueueCounters.FALLBACK);
        add(id, fallback, false, 0);
    }

    /** Queues a REPEAT for a packet that arrived before the queue was configured. */
    void repeatEarly(NlCursor message) {
        if (message.type() == NfqCodec.PACKET_TYPE) {
            long id = NfqCodec.salvagePacketId(message.buffer(), message.offset(), message.length());
            if (id >= 0) {
                add((int) id, Verdict.REPEAT.code(), false, 0);
            }
        }
    }

    @Override
    public void verdict(int packetId, Verdict verdict) {
        settle(packetId);
        add(packetId, verdict.code(), false, 0);
    }

    @Override
    public void verdict(int packetId, Verdict verdict, int mark) {
        settle(packetId);
        add(packetId, verdict.code(), true, mark);
    }

    private void settle(int packetId) {
        if (inHandler && packetId == currentId && !currentDecided) {
            currentDecided = true;
        } else if (deferred > 0) {
            deferred--;
            counters.set(QueueCounters.DEFERRED, deferred);
        }
    }

    private void add(int id, int verdict, boolean withMark, int mark) {
        if (batcher.isFull()) {
            try {
                flush();
            } catch (NetlinkException e) {
                throw new UncheckedIOException(e);
            }
        }
        batcher.add(id, verdict, withMark, mark);
    }

    int pending() {
        return batcher.size();
    }

    /**
     * Encodes and sends the buffered verdicts in one datagram. When sending fails they stay
     * buffered and the next flush sends them again: a {@code sendto} to the kernel fails before any
     * message of the datagram is processed (the kernel could not take the datagram), so no packet
     * gets two verdicts.
     */
    void flush() throws NetlinkException {
        int n = batcher.size();
        if (n == 0) {
            return;
        }
        writer.reset();
        batcher.encode(writer, deferred == 0);
        sender.send(writer.segment(), writer.position(), sendStep);
        batcher.clear();
        counters.add(QueueCounters.VERDICTS, n);
        counters.add(QueueCounters.VERDICT_MESSAGES, batcher.lastMessages());
        counters.add(QueueCounters.BATCH_MESSAGES, batcher.lastBatchMessages());
    }
}
