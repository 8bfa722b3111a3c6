package dev.microseg.dp.intercept;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MarkBitsTest {
    private static final MarkBits M = MarkBits.DEFAULT;

    @Test
    void decisionsTouchOnlyTheOwnedBits() {
        int foreign = 0x0000_4000 | 0x0002_0000 | 0x8000_0000;
        assertThat(M.acceptMark(foreign)).isEqualTo(foreign | MarkBits.DEFAULT_ACCEPT);
        assertThat(M.dropMark(M.acceptMark(foreign))).isEqualTo(foreign | MarkBits.DEFAULT_DROP);
        assertThat(M.undecidedMark(M.dropMark(foreign))).isEqualTo(foreign);
        assertThat(M.decision(M.acceptMark(foreign))).isEqualTo(MarkBits.Decision.ACCEPT);
        assertThat(M.decision(M.dropMark(foreign))).isEqualTo(MarkBits.Decision.DROP);
        assertThat(M.decision(foreign)).isEqualTo(MarkBits.Decision.UNDECIDED);
        assertThat(M.decision(MarkBits.DEFAULT_MASK)).as("both bits: not a decision").isEqualTo(MarkBits.Decision.UNDECIDED);
        assertThat(M.rejectMark(M.acceptMark(foreign))).isEqualTo(foreign | MarkBits.DEFAULT_MASK);
        assertThat(M.decision(M.rejectMark(foreign))).as("reject is a packet mark, not a connection decision")
                .isEqualTo(MarkBits.Decision.UNDECIDED);
    }

    @Test
    void defaultsAvoidWellKnownMarks() {
        for (int other : new int[]{0x4000, 0x8000, 0x2000, 0x20000, 0x40000, 0x539, 0x80}) {
            assertThat(other & MarkBits.DEFAULT_MASK).as("0x%x", other).isZero();
        }
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments(0, 1, 2, "mask must not be 0"),
                arguments(0x3, 0x4, 0x2, "accept 0x4 must be non-zero and inside mask 0x3"),
                arguments(0x3, 0x1, 0x1, "drop 0x1 must be non-zero, inside mask 0x3 and differ from accept"),
                arguments(0x3, 0x1, 0x0, "drop 0x0 must be non-zero"),
                arguments(0x3, 0x1, 0x3, "accept 0x1 and drop 0x3 must not share bits"));
    }

    @ParameterizedTest(name = "mask {0} accept {1} drop {2}")
    @MethodSource("invalid")
    void rejectsInconsistentBits(int mask, int accept, int drop, String error) {
        assertThatThrownBy(() -> new MarkBits(mask, accept, drop)).hasMessageStartingWith(error);
    }
}
