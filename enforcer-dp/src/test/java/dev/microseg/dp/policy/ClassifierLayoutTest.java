package dev.microseg.dp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microseg.dp.packet.IpProtocols;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layout choices of {@link TupleTable} and {@link PortIndex}: packed against wide slots, probe
 * order, and the branch-free port search, each checked for the layout chosen and for answers
 * equal to the linear {@link ReferenceClassifier}.
 */
class ClassifierLayoutTest {
    static ClassifierRule in(int id, Addr src, int port) {
        return new ClassifierRule(id, src, src, ClassifierPropertyTest.v4(new Random(0)), ClassifierPropertyTest.v4(new Random(0)),
            port, port, IpProtocols.TCP, Action.ALLOW, true, List.of());
    }

    static Stream<Arguments> policies() {
        Random r = new Random(11);
        List<ClassifierRule> v4 = new ArrayList<>();
        List<ClassifierRule> v6Pool = new ArrayList<>();
        List<ClassifierRule> mixed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            v4.add(in(i, ClassifierPropertyTest.v4(r), 80 + i % 3));
            v6Pool.add(in(i, ClassifierPropertyTest.v6(r), 80 + i % 3));
            mixed.add(in(i, i % 2 == 0 ? ClassifierPropertyTest.v4(r) : new Addr(r.nextLong(), r.nextLong()), 80 + i % 3));
        }
        return Stream.of(
            Arguments.of("IPv4 sources: every key fits 32 bits per address", v4, true),
            Arguments.of("IPv6 sources within one /96: packed too", v6Pool, true),
            Arguments.of("IPv4 and arbitrary IPv6 sources in one tuple: wide", mixed, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void packsWhenKeysShareTheirHighBitsAndAnswersLikeTheReference(String name, List<ClassifierRule> rules, boolean packed) {
        Classifier c = Classifier.compile(rules, Action.DENY, 1);
        ReferenceClassifier ref = new ReferenceClassifier(rules, Action.DENY, PolicyDirection.BOTH);
        assertThat(c.tuples(true)).extracting(t -> t.packed).containsOnly(packed);
        Random r = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            ClassifierRule rule = rules.get(r.nextInt(rules.size()));
            Addr src = r.nextBoolean() ? rule.srcLo() : r.nextBoolean() ? ClassifierPropertyTest.v4(r) : ClassifierPropertyTest.v6(r);
            int port = 79 + r.nextInt(4);
            assertThat(c.lookup(true, src, rule.dstLo(), IpProtocols.TCP, port, Classifier.APP_UNKNOWN))
                .as("%s: packet %d from %s port %d", name, i, src, port)
                .isEqualTo(ref.lookup(true, src.hi(), src.lo(), rule.dstLo().hi(), rule.dstLo().lo(), IpProtocols.TCP, port,
                    Classifier.APP_UNKNOWN));
        }
    }

    @Test
    void probesSmallTuplesFirst() {
        List<ClassifierRule> rules = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            rules.add(in(i + 10, ClassifierPropertyTest.v4(r), 80));
        }
        rules.add(new ClassifierRule(1_000, Addr.V4_MIN, Addr.V4_MAX, rules.get(0).dstLo(), rules.get(0).dstHi(), 443, 443,
            IpProtocols.TCP, Action.ALLOW, true, List.of()));
        TupleTable[] t = Classifier.compile(rules, Action.DENY, 1).tuples(true);
        assertThat(t).extracting(TupleTable::cells).isSorted();
        assertThat(t[0].cells()).isEqualTo(1);
        assertThat(t[0].minRank).isGreaterThan(t[t.length - 1].minRank);
    }

    static Stream<Arguments> floors() {
        return Stream.of(
            Arguments.of(new int[] {0}, 0, 0),
            Arguments.of(new int[] {0}, 65535, 0),
            Arguments.of(new int[] {0, 80}, 79, 0),
            Arguments.of(new int[] {0, 80}, 80, 1),
            Arguments.of(new int[] {0, 80, 81}, 80, 1),
            Arguments.of(new int[] {0, 80, 81}, 65535, 2),
            Arguments.of(new int[] {0, 22, 53, 54, 80, 81, 443, 444}, 443, 6),
            Arguments.of(new int[] {0, 22, 53, 54, 80, 81, 443, 444}, 100, 5));
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("floors")
    void floorFindsTheLastBoundNotAbovePort(int[] bounds, int port, int want) {
        assertThat(PortIndex.floor(bounds, port)).isEqualTo(want);
    }

    @Test
    void floorAgreesWithBinarySearchOnRandomBounds() {
        Random r = new Random(17);
        for (int k = 0; k < 1_000; k++) {
            int[] b = r.ints(1 + r.nextInt(300), 1, 65536).distinct().sorted().toArray();
            b[0] = 0;
            Arrays.sort(b);
            int[] bounds = Arrays.stream(b).distinct().toArray();
            int port = r.nextInt(65536);
            int i = Arrays.binarySearch(bounds, port);
            assertThat(PortIndex.floor(bounds, port)).as("case %d port %d", k, port).isEqualTo(i < 0 ? -i - 2 : i);
        }
    }
}
