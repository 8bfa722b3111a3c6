package dev.microseg.dp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportSequenceTest {
    @Test
    void countsGapsAcrossTheWrapAndRestartsOnAStepBack() {
        ReportSequence s = new ReportSequence();
        assertThat(s.observe(4_294_967_294L)).isZero();
        assertThat(s.observe(4_294_967_295L)).isZero();
        assertThat(s.observe(2)).as("0 and 1 lost across the wrap").isEqualTo(2);
        assertThat(s.observe(3)).isZero();
        assertThat(s.observe(0)).as("a restarted dp counts from 0 again").isZero();
        assertThat(s.observe(5)).isEqualTo(4);
        assertThat(s.lost()).isEqualTo(6);
        assertThat(s.received()).isEqualTo(6);
    }
}
