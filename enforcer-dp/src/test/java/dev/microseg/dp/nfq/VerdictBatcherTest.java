package dev.microseg.dp.nfq;

import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.netlink.NlWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Which verdicts may share an NFQNL_MSG_VERDICT_BATCH: consecutive ids, same verdict, no mark, and
 * nothing else pending. Each case lists the buffered verdicts ("id:verdict" or "id:verdict:mark")
 * and the messages expected, decoded back from the bytes ("B<=max:verdict", "V id:verdict[:mark]").
 */
class VerdictBatcherTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a run of accepts", true, List.of("1:A", "2:A", "3:A"), List.of("B<=3:1")),
                arguments("a single verdict is never a batch", true, List.of("7:A"), List.of("V 7:1")),
                arguments("verdict change splits runs", true, List.of("1:A", "2:A", "3:D", "4:D", "5:A"),
                        List.of("B<=2:1", "B<=4:0", "V 5:1")),
                arguments("a gap in ids splits runs", true, List.of("1:A", "2:A", "4:A", "5:A"),
                        List.of("B<=2:1", "B<=5:1")),
                arguments("a mark forces an individual verdict", true, List.of("1:A", "2:R:4000000", "3:A", "4:A"),
                        List.of("V 1:1", "V 2:4:4000000", "B<=4:1")),
                arguments("pending packets forbid batches", false, List.of("1:A", "2:A", "3:A"),
                        List.of("V 1:1", "V 2:1", "V 3:1")),
                arguments("out-of-order verdicts are sent in id order", true, List.of("3:A", "1:A", "2:A"),
                        List.of("B<=3:1")),
                arguments("ids wrapping past 2^32 stay in serial order", true, List.of("0:A", "-1:A", "-2:A"),
                        List.of("B<=0:1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodes(String name, boolean allowBatch, List<String> verdicts, List<String> expected) {
        VerdictBatcher b = new VerdictBatcher(0, 16);
        for (String v : verdicts) {
            String[] f = v.split(":");
            int code = switch (f[1]) {
                case "A" -> Verdict.ACCEPT.code();
                case "D" -> Verdict.DROP.code();
                default -> Verdict.REPEAT.code();
            };
            b.add(Integer.parseInt(f[0]), code, f.length > 2, f.length > 2 ? Integer.parseInt(f[2], 16) : 0);
        }
        NlWriter w = new NlWriter(arena.allocate(VerdictBatcher.maxEncodedBytes(16)));
        b.encode(w, allowBatch);
        assertThat(decode(w.segment(), w.position())).containsExactlyElementsOf(expected);
        assertThat(b.lastMessages()).isEqualTo(expected.size());
        assertThat(b.lastBatchMessages()).isEqualTo((int) expected.stream().filter(e -> e.startsWith("B")).count());
    }

    private static List<String> decode(MemorySegment s, long len) {
        List<String> out = new ArrayList<>();
        NlCursor c = new NlCursor().reset(s, 0, len);
        try {
            while (c.next()) {
                long attr = c.payloadOffset() + Nl.NFGENMSG_LEN;
                int verdict = Nl.be32(s, attr + 4);
                int id = Nl.be32(s, attr + 8);
                if (c.type() == NfqCodec.BATCH_TYPE) {
                    out.add("B<=" + id + ":" + verdict);
                } else if (c.length() > 32) {
                    out.add("V " + id + ":" + verdict + ":" + Integer.toHexString(Nl.be32(s, attr + 16)));
                } else {
                    out.add("V " + id + ":" + verdict);
                }
                assertThat(c.seq()).as("seq carries the (max) id").isEqualTo(id);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
