package dev.microseg.dp.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Jazzer fuzz target for the decoder. Under {@code ./microseg test} it runs in regression mode
 * over the seed corpus in {@code PacketDecoderFuzzTestInputs/decodeNeverThrows/} (the hex
 * fixtures as raw packets); with {@code JAZZER_FUZZ=1} it fuzzes. The packet is copied into a
 * native segment of exactly the captured length, so any read past the captured bytes throws
 * and fails the run.
 */
class PacketDecoderFuzzTest {
    private final DecodedPacket out = new DecodedPacket();

    @FuzzTest(maxDuration = "30s")
    void decodeNeverThrows(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_BYTE, 0, data.length);
            check(seg, data.length, data.length);
            check(seg, data.length, data.length + 1500);
            if (data.length > 0) {
                check(seg, data.length - 1, data.length);
            }
        }
    }

    private void check(MemorySegment seg, int captured, int original) {
        DecodeResult r = PacketDecoder.decode(seg, 0, captured, original, out);
        assertThat(r).isNotNull();
        if (r == DecodeResult.OK) {
            assertThat(out.packetLength()).isBetween(out.l4Offset(), original);
            assertThat(out.payloadOffset()).isBetween(out.l4Offset(), out.packetLength());
            assertThat(out.payloadLength()).isBetween(0, out.packetLength() - out.payloadOffset());
            assertThat(out.payloadCapturedLength()).isBetween(0, captured);
            if (out.isLaterFragment()) {
                assertThat(out.srcPort()).isZero();
            }
        }
    }
}
