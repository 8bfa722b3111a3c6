package dev.microseg.dp.nfq;

import dev.microseg.dp.engine.Engine;
import dev.microseg.dp.engine.EngineConfig;
import dev.microseg.dp.engine.KernelRules;
import dev.microseg.dp.engine.AppIdentifier;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.WorkloadPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's packet path ({@code Engine.newPacketHandler()}) fed through the queue's own dispatcher
 * with crafted NFQUEUE datagrams, no kernel: which verdict and which mark each decision gets, the
 * fail verdict for a malformed packet, and no allocation per packet once compiled. The kernel side
 * of the same path is proved by DataplaneE2ETest.
 */
class EnginePathTest {
    private static final MarkBits M = MarkBits.DEFAULT;
    private static final String A = "10.65.0.1";
    private static final String B = "10.65.0.2";
    private static final int FOREIGN_MARK = 0x4000;

    private final Arena arena = Arena.ofConfined();
    /** "VERDICT mark" per verdict message sent, e.g. "REPEAT 0x4004000". */
    private final List<String> sent = new ArrayList<>();
    private final List<Collection<InetAddress>> intercepted = new ArrayList<>();

    @AfterEach
    void close() {
        arena.close();
    }

    private Engine engine(boolean failOpen, boolean offload) throws Exception {
        Engine e = new Engine(EngineConfig.of(failOpen).withOffload(offload), new KernelRules() {
            @Override
            public void setWorkloads(Collection<InetAddress> addresses) {
                intercepted.add(List.copyOf(addresses));
            }

            @Override
            public void setFailOpen(boolean on) {
            }
        }, AppIdentifier.NONE);
        e.onAddMac(new CtrlAddMac(new Endpoint("vw1", MacAddress.parse("mac", "02:00:00:00:00:01"),
                List.of(IpAddress.parse("ip", A)))));
        e.onAddMac(new CtrlAddMac(new Endpoint("vw2", MacAddress.parse("mac", "02:00:00:00:00:02"),
                List.of(IpAddress.parse("ip", B)))));
        // B: TCP 80 allowed from A, TCP 81 denied, TCP 82 violates (Monitor), everything else denied.
        e.onPolicy(new WorkloadPolicy(PolicyCmd.ADD, RuleAction.DENY, PolicyDir.BOTH,
                List.of(MacAddress.parse("mac", "02:00:00:00:00:02")), List.of(
                rule(10, 80, RuleAction.ALLOW), rule(11, 81, RuleAction.DENY), rule(12, 82, RuleAction.VIOLATE))));
        return e;
    }

    private static PolicyRule rule(long id, int port, RuleAction action) {
        IpAddress a = IpAddress.parse("ip", A);
        IpAddress b = IpAddress.parse("ip", B);
        return new PolicyRule(id, a, a, b, b, port, port, IpProto.TCP, action, true);
    }

    private NfqDispatcher dispatcher(boolean failOpen) {
        return new NfqDispatcher(0, failOpen, 4096, 8, arena.allocate(NfqDispatcher.sendBufferBytes(8)),
                (buf, len, step) -> {
                    NlCursor c = new NlCursor().reset(buf, 0, len);
                    try {
                        while (c.next()) {
                            sent.add(describe(buf, c.payloadOffset() + Nl.NFGENMSG_LEN, c.payloadOffset() + c.payloadLength()));
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    /** "VERDICT" or "VERDICT 0xMARK" from a verdict message's attributes. */
    private static String describe(MemorySegment buf, long at, long end) {
        String verdict = "?";
        String mark = "";
        while (at + 4 <= end) {
            int len = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
            int type = buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2) & Nl.NLA_TYPE_MASK;
            if (type == Nfq.NFQA_VERDICT_HDR) {
                int code = Nl.be32(buf, at + 4);
                for (Verdict v : Verdict.values()) {
                    if (v.code() == code) {
                        verdict = v.name();
                    }
                }
            } else if (type == Nfq.NFQA_MARK) {
                mark = " 0x" + Integer.toHexString(Nl.be32(buf, at + 4));
            }
            at += (len + 3) & ~3;
        }
        return verdict + mark;
    }

    /** An NFQNL_MSG_PACKET datagram carrying {@code ip} with packet mark {@link #FOREIGN_MARK}. */
    private MemorySegment frame(int id, byte[] ip) {
        int payloadAttr = (4 + ip.length + 3) & ~3;
        int len = Nl.NLMSG_HDRLEN + Nl.NFGENMSG_LEN + 12 + 8 + payloadAttr;
        ByteBuffer b = ByteBuffer.allocate(len).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(len).putShort((short) (3 << 8)).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) 2).put((byte) 0).order(java.nio.ByteOrder.BIG_ENDIAN).putShort((short) 0);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 11).putShort((short) Nfq.NFQA_PACKET_HDR);
        b.order(java.nio.ByteOrder.BIG_ENDIAN).putInt(id).putShort((short) NfqPacket.ETH_P_IP)
                .put((byte) NfqPacket.HOOK_FORWARD).put((byte) 0);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 8).putShort((short) Nfq.NFQA_MARK);
        b.order(java.nio.ByteOrder.BIG_ENDIAN).putInt(FOREIGN_MARK);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) (4 + ip.length)).putShort((short) Nfq.NFQA_PAYLOAD);
        b.put(ip);
        MemorySegment s = arena.allocate(len, 8);
        s.copyFrom(MemorySegment.ofArray(b.array()));
        return s;
    }

    private String verdictFor(NfqDispatcher d, Engine e, byte[] ip) throws Exception {
        sent.clear();
        MemorySegment f = frame(7, ip);
        d.process(f, 0, f.byteSize(), false, e.newPacketHandler());
        d.flush();
        assertThat(sent).hasSize(1);
        return sent.getFirst();
    }

    @ParameterizedTest(name = "port {0}, offload {1}, rst {2}: {3}")
    @CsvSource({
        "80, true,  false, 'REPEAT 0x%ACCEPT%'",
        "82, true,  false, 'REPEAT 0x%ACCEPT%'",
        "81, true,  false, 'REPEAT 0x%DROP%'",
        "83, true,  false, 'REPEAT 0x%DROP%'",
        "81, true,  true,  'REPEAT 0x%REJECT%'",
        "80, false, false, ACCEPT",
        "82, false, false, ACCEPT",
        "81, false, false, DROP",
        "81, false, true,  'REPEAT 0x%REJECT%'",
    })
    void eachDecisionGetsItsVerdictAndMarkKeepingForeignBits(int port, boolean offload, boolean rst, String expected)
            throws Exception {
        Engine e = engine(false, offload);
        e.onSysConf(new CtrlSysConf(false, 5, rst, CtrlSysConf.defaults().maxSessions(), 3600, 60, 30));
        String want = expected.replace("%ACCEPT%", Integer.toHexString(M.acceptMark(FOREIGN_MARK)))
                .replace("%DROP%", Integer.toHexString(M.dropMark(FOREIGN_MARK)))
                .replace("%REJECT%", Integer.toHexString(M.rejectMark(FOREIGN_MARK)));
        assertThat(verdictFor(dispatcher(false), e, TestPackets.tcp(A, 40000 + port, B, port, 0x02))).isEqualTo(want);
    }

    @Test
    void aResetOfADeniedConnectionPassesAndTrafficOfNoWorkloadIsNotEnforced() throws Exception {
        Engine e = engine(false, true);
        NfqDispatcher d = dispatcher(false);
        assertThat(verdictFor(d, e, TestPackets.tcp(A, 40081, B, 81, 0x02))).startsWith("REPEAT 0x" + Integer.toHexString(M.dropMark(FOREIGN_MARK)));
        assertThat(verdictFor(d, e, TestPackets.tcp(B, 81, A, 40081, 0x14))).as("RST|ACK back to the client").isEqualTo("ACCEPT");
        assertThat(verdictFor(d, e, TestPackets.tcp("192.0.2.1", 1234, "192.0.2.2", 81, 0x02)))
                .isEqualTo("REPEAT 0x" + Integer.toHexString(M.acceptMark(FOREIGN_MARK)));
        assertThat(e.counters()).containsEntry("dp.decision.no_endpoint", 1L).containsEntry("dp.decision.deny", 1L);
    }

    @Test
    void aSynOnAnOffloadedSessionIsANewConnectionAndIsDecidedAgain() throws Exception {
        Engine e = engine(false, true);
        NfqDispatcher d = dispatcher(false);
        var handler = e.newPacketHandler();
        for (int i = 0; i < 2; i++) {
            sent.clear();
            MemorySegment f = frame(10 + i, TestPackets.tcp(A, 40080, B, 80, 0x02));
            d.process(f, 0, f.byteSize(), false, handler);
            d.flush();
            assertThat(sent).containsExactly("REPEAT 0x" + Integer.toHexString(M.acceptMark(FOREIGN_MARK)));
        }
        assertThat(e.counters()).as("conntrack queues a SYN of an offloaded connection only when its entry is new")
                .containsEntry("dp.decision.allow", 2L);
    }

    @ParameterizedTest(name = "fail-open {0}")
    @CsvSource({"true, ACCEPT", "false, DROP"})
    void aTruncatedPacketGetsTheFailVerdictAndIsCounted(boolean failOpen, String expected) throws Exception {
        Engine e = engine(failOpen, true);
        byte[] cut = java.util.Arrays.copyOf(TestPackets.tcp(A, 40000, B, 80, 0x02), 12);
        assertThat(verdictFor(dispatcher(failOpen), e, cut)).isEqualTo(expected);
        assertThat(e.counters()).containsEntry("dp.decode.ipv4_truncated", 1L).containsEntry("dp.decode_errors", 1L)
                .containsEntry("dp.verdict.fail", 1L);
    }

    /** JVM flags that make the probe independent of timing: compilation blocks the thread that asks for it. */
    static final List<String> PROBE_JVM = List.of("-Xbatch", "-XX:-TieredCompilation");
    /** Rounds of {@link #PROBE_PACKETS} the probe runs; with {@link #PROBE_JVM} C2 has compiled the path by the third. */
    static final int PROBE_ROUNDS = 12;
    static final int PROBE_PACKETS = 50_000;

    /**
     * Established traffic through user space (offload off) allocates nothing per packet once
     * compiled (C2's escape analysis removes the rest). Whether it is compiled yet depends on the
     * JIT, so the rounds run in a JVM of their own with {@link #PROBE_JVM}: with compilation in the
     * foreground ({@code -Xbatch}) and no tiers (C2 only), how many rounds the
     * JIT needs no longer depends on the machine's load, only on the number of packets. Each round
     * is {@link #PROBE_PACKETS} packets; an object per packet would cost 16 bytes or more in every
     * round; the last three rounds must allocate nothing.
     */
    @Test
    void theEstablishedPathAllocatesNothingPerPacketOnceCompiled() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(PROBE_JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocationProbe.class.getName()));
        Process probe = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            boolean ended = probe.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
            out = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(ended).as("the probe ended within 120 s").isTrue();
        } finally {
            probe.destroyForcibly();
        }
        assertThat(probe.exitValue()).as("probe exit code; output:\n" + out).isZero();
        String line = out.lines().filter(l -> l.startsWith("bytes_per_packet ")).findFirst()
                .orElseThrow(() -> new AssertionError("the probe printed no result:\n" + out));
        List<Long> perPacket = java.util.Arrays.stream(line.substring("bytes_per_packet ".length()).split(","))
                .map(Long::parseLong).toList();
        assertThat(perPacket).hasSize(PROBE_ROUNDS);
        assertThat(perPacket.subList(PROBE_ROUNDS - 3, PROBE_ROUNDS)).as("bytes allocated per packet, by round: " + perPacket)
                .containsOnly(0L);
    }

    /** Per-packet bytes allocated by each round of established packets through the engine's path. */
    List<Long> allocationRounds() throws Exception {
        Engine e = engine(false, false);
        NfqDispatcher d = dispatcher(false);
        var pipeline = e.newPacketHandler();
        MemorySegment syn = frame(1, TestPackets.tcp(A, 40000, B, 80, 0x02));
        MemorySegment ack = frame(2, TestPackets.tcp(A, 40000, B, 80, 0x10));
        d.process(syn, 0, syn.byteSize(), false, pipeline);
        d.flush();
        sent.clear();
        NfqDispatcher quiet = new NfqDispatcher(0, false, 4096, 8, arena.allocate(NfqDispatcher.sendBufferBytes(8)),
                (buf, len, step) -> { });
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        List<Long> perPacket = new ArrayList<>();
        for (int round = 0; round < PROBE_ROUNDS; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < PROBE_PACKETS; i++) {
                quiet.process(ack, 0, ack.byteSize(), false, pipeline);
                quiet.flush();
            }
            perPacket.add((mx.getCurrentThreadAllocatedBytes() - before) / PROBE_PACKETS);
        }
        if (e.counters().get("dp.verdict.accept") < (long) PROBE_ROUNDS * PROBE_PACKETS) {
            throw new IllegalStateException("the packets were not accepted: " + e.counters());
        }
        return perPacket;
    }

    /** The probe's JVM: prints {@code bytes_per_packet N,N,...}. */
    static final class AllocationProbe {
        public static void main(String[] args) throws Exception {
            EnginePathTest t = new EnginePathTest();
            try {
                List<Long> rounds = t.allocationRounds();
                System.out.println("bytes_per_packet " + String.join(",", rounds.stream().map(String::valueOf).toList()));
            } finally {
                t.close();
            }
        }
    }
}
