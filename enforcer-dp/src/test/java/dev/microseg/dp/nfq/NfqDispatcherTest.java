package dev.microseg.dp.nfq;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.testing.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The receive path without a kernel: crafted datagrams go through the dispatcher that
 * {@link NfQueue} uses, verdicts are captured instead of sent. Whatever arrives, nothing escapes
 * as an exception and no packet with a readable id is left without a verdict.
 */
class NfqDispatcherTest {
    private static final int SLOT = 4096;
    private final Arena arena = Arena.ofConfined();
    private final List<String> sent = new ArrayList<>();

    @AfterEach
    void close() {
        arena.close();
    }

    private NfqDispatcher dispatcher(boolean failOpen) {
        return new NfqDispatcher(0, failOpen, SLOT, 8, arena.allocate(NfqDispatcher.sendBufferBytes(8)),
                (buf, len, step) -> {
                    NlCursor c = new NlCursor().reset(buf, 0, len);
                    try {
                        while (c.next()) {
                            long attr = c.payloadOffset() + Nl.NFGENMSG_LEN;
                            sent.add((c.type() == NfqCodec.BATCH_TYPE ? "batch<=" : "id ") + Nl.be32(buf, attr + 8) + " "
                                    + Verdict.values()[verdictIndex(Nl.be32(buf, attr + 4))]);
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private static int verdictIndex(int code) {
        for (Verdict v : Verdict.values()) {
            if (v.code() == code) {
                return v.ordinal();
            }
        }
        throw new AssertionError("verdict " + code);
    }

    private int feed(NfqDispatcher d, String fixture, boolean truncated, PacketHandler h) throws Exception {
        MemorySegment s = Hex.segment(arena, fixture);
        int n = d.process(s, 0, s.byteSize(), truncated, h);
        d.flush();
        return n;
    }

    @Test
    void aGoodPacketReachesTheHandlerAndItsVerdictIsSent() throws Exception {
        NfqDispatcher d = dispatcher(false);
        List<Integer> ids = new ArrayList<>();
        assertThat(feed(d, NfqCodecTest.PACKET, false, (p, v) -> {
            ids.add(p.id());
            v.verdict(p.id(), Verdict.REPEAT, 0x04000000);
        })).isEqualTo(1);
        assertThat(ids).containsExactly(42);
        assertThat(sent).containsExactly("id 42 REPEAT");
        assertThat(d.counters.snapshot().packets()).isEqualTo(1);
    }

    @Test
    void aMalformedPacketWithAReadableIdGetsTheFallbackVerdict() throws Exception {
        NfqDispatcher d = dispatcher(false);
        String lyingPayload = """
                28 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                02 00 00 00
                0b 00 01 00 00 00 00 07 08 00 02 00   // packet 7
                ff 00 0a 00 45 00 00 00               // payload claims 255 bytes
                """;
        assertThat(feed(d, lyingPayload, false, (p, v) -> {
            throw new AssertionError("a malformed packet must not reach the handler");
        })).isZero();
        assertThat(sent).containsExactly("id 7 DROP");
        NfQueueStats s = d.counters.snapshot();
        assertThat(s.malformed()).isEqualTo(1);
        assertThat(s.fallbackVerdicts()).isEqualTo(1);
    }

    @Test
    void aTruncatedDatagramGetsTheFallbackVerdictFailOpen() throws Exception {
        NfqDispatcher d = dispatcher(true);
        feed(d, NfqCodecTest.PACKET.lines().limit(12).reduce("", (a, b) -> a + b + "\n"), true, (p, v) -> {
            throw new AssertionError("unreachable");
        });
        assertThat(sent).containsExactly("id 42 ACCEPT");
        assertThat(d.counters.snapshot().truncated()).isEqualTo(1);
    }

    @Test
    void aHandlerThatThrowsIsCountedAndThePacketStillGetsAVerdict() throws Exception {
        NfqDispatcher d = dispatcher(true);
        feed(d, NfqCodecTest.PACKET, false, (p, v) -> {
            throw new IllegalStateException("bug in the engine");
        });
        assertThat(sent).containsExactly("id 42 ACCEPT");
        assertThat(d.counters.snapshot().handlerErrors()).isEqualTo(1);
    }

    @Test
    void kernelErrorsForEarlierVerdictsAreCountedWithTheirErrno() throws Exception {
        NfqDispatcher d = dispatcher(false);
        feed(d, """
                24 00 00 00  02 00 00 01  2a 00 00 00  00 00 00 00   // NLMSG_ERROR, capped, seq = packet 42
                fe ff ff ff                                          // -ENOENT
                28 00 00 00  01 03 01 00  2a 00 00 00  00 00 00 00   // the verdict it answers
                """, false, (p, v) -> { });
        NfQueueStats s = d.counters.snapshot();
        assertThat(s.kernelErrors()).isEqualTo(1);
        assertThat(s.lastKernelErrno()).isEqualTo(2);
        assertThat(sent).isEmpty();
    }

    @Test
    void aDeferredPacketIsCountedAndKeepsBatchesOff() throws Exception {
        NfqDispatcher d = dispatcher(false);
        List<Integer> held = new ArrayList<>();
        feed(d, NfqCodecTest.PACKET, false, (p, v) -> held.add(p.id()));
        assertThat(d.counters.snapshot().deferred()).isEqualTo(1);
        assertThat(sent).isEmpty();
        d.verdict(held.getFirst(), Verdict.ACCEPT);
        d.flush();
        assertThat(d.counters.snapshot().deferred()).isZero();
        assertThat(sent).containsExactly("id 42 ACCEPT");
    }

    /**
     * Decode, handler call, verdict buffering and encoding allocate nothing per packet once
     * compiled. Rounds of 100,000 packets run until one allocates nothing (at most 30: the JIT
     * is slow on a loaded machine); an object allocated per packet would make every round cost
     * 16 bytes per packet or more.
     */
    @Test
    void theReceivePathAllocatesNothingPerPacket() {
        NfqDispatcher d = new NfqDispatcher(0, false, SLOT, 8, arena.allocate(NfqDispatcher.sendBufferBytes(8)),
                (buf, len, step) -> { });
        MemorySegment packet = Hex.segment(arena, NfqCodecTest.PACKET);
        PacketHandler accept = (p, v) -> v.accept(p.id());
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        int n = 100_000;
        List<Long> perPacket = new ArrayList<>();
        while (perPacket.size() < 30 && (perPacket.isEmpty() || perPacket.getLast() > 0)) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                try {
                    d.process(packet, 0, packet.byteSize(), false, accept);
                    d.flush();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            perPacket.add((mx.getCurrentThreadAllocatedBytes() - before) / n);
        }
        assertThat(perPacket.getLast()).as("bytes allocated per packet, by round: " + perPacket).isZero();
    }

    @Test
    void randomBytesNeverEscapeAsExceptions() throws Exception {
        NfqDispatcher d = dispatcher(false);
        Random random = new Random(20261122);
        byte[] seed = Hex.bytes(NfqCodecTest.PACKET);
        MemorySegment buf = arena.allocate(SLOT);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seed.clone();
            int flips = 1 + random.nextInt(6);
            for (int f = 0; f < flips; f++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            int len = random.nextInt(b.length + 1);
            MemorySegment.copy(b, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, len);
            d.process(buf, 0, len, random.nextInt(20) == 0, (p, v) -> v.accept(p.id()));
            d.flush();
        }
        NfQueueStats s = d.counters.snapshot();
        assertThat(s.packets() + s.malformed() + s.truncated()).isPositive();
        assertThat(s.deferred()).isZero();
    }

    @Test
    void verdictsThatCouldNotBeSentAreSentByTheNextFlush() throws Exception {
        int[] failures = {1};
        NfqDispatcher d = new NfqDispatcher(0, false, SLOT, 8, arena.allocate(NfqDispatcher.sendBufferBytes(8)),
                (buf, len, step) -> {
                    if (failures[0]-- > 0) {
                        throw new NetlinkException(step, Errno.ENOBUFS.number(), null);
                    }
                    NlCursor c = new NlCursor().reset(buf, 0, len);
                    try {
                        while (c.next()) {
                            sent.add("id " + Nl.be32(buf, c.payloadOffset() + Nl.NFGENMSG_LEN + 8));
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
        MemorySegment s = Hex.segment(arena, NfqCodecTest.PACKET);
        d.process(s, 0, s.byteSize(), false, (p, v) -> v.accept(p.id()));
        assertThatThrownBy(d::flush).isInstanceOf(NetlinkException.class).hasMessageContaining("ENOBUFS");
        assertThat(d.pending()).as("kept for the next flush").isEqualTo(1);
        d.flush();
        assertThat(sent).containsExactly("id 42");
        assertThat(d.pending()).isZero();
    }
}
