package dev.microseg.dp.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz targets for the two decoders that read bytes from another process. In {@code ./microseg test}
 * they run in regression mode over the seed corpus under
 * {@code src/test/resources/dev/microseg/dp/protocol/ProtocolFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates from there (see docs/dp-protocol.md, "Fuzzing").
 *
 * <p>Properties: the decoders only ever answer with a value or their checked exception (anything
 * else escapes and fails the run), and whatever decodes re-encodes to something equal (commands) or
 * byte-identical (reports).
 */
class ProtocolFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void controlDecoder(byte[] datagram) throws ControlException {
        ControlCommand cmd;
        try {
            cmd = ControlDecoder.decode(datagram);
        } catch (ControlException e) {
            if (e.reason().isEmpty()) {
                throw new IllegalStateException("refusal without a reason", e);
            }
            return;
        }
        ControlCommand again = ControlDecoder.decode(ControlEncoder.encode(cmd));
        if (!again.equals(cmd)) {
            throw new IllegalStateException("round trip changed " + cmd + " into " + again);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void reportDecoder(byte[] message) {
        DecodedReport d;
        try {
            d = ReportDecoder.decode(message);
        } catch (ReportDecodeException e) {
            return;
        }
        byte[] again = ReportEncoder.encodeMessage(d.report(), d.header().more(), d.header().seq());
        if (!Arrays.equals(again, message)) {
            throw new IllegalStateException("re-encoding " + d + " changed the bytes");
        }
    }
}
