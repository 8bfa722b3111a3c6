package dev.microseg.bench;

import dev.microseg.dp.packet.DecodeResult;
import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.packet.PacketDecoder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Full decode of a mix of packets held in native memory (as NFQUEUE delivers them) against a
 * baseline that only reads the same header bytes (a byte-wise sum up to the payload): the
 * price of parsing and validating over touching the data.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBench {
    static final String[] PACKETS = {
        // IPv4 TCP SYN with 8 bytes of options
        "450000301234400040060000" + "0a0000010a000002" + "9c40005000000001000000007002faf000000000" + "020405b401010402",
        // IPv4 UDP DNS query, 4 bytes payload
        "4500002000014000401100000a0000010a00000204d20035000c0000" + "01020304",
        // IPv6 TCP ACK with 3 bytes payload
        "6000000000170640" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
            + "01bbc73800000064000000c850180100000000" + "00616263",
        // IPv6 Hop-by-Hop + Fragment (first) + UDP
        "60000000001c0040" + "fd00000000000000000000000000000a" + "fd00000000000000000000000000000b"
            + "2c00010400000000" + "11000001deadbeef" + "0fa000350064000071756572",
    };

    private MemorySegment seg;
    private int[] offset;
    private int[] length;
    private int[] headerEnd;
    private final DecodedPacket out = new DecodedPacket();
    private int i;

    @Setup
    public void setUp() {
        byte[][] raw = new byte[PACKETS.length][];
        int total = 0;
        for (int k = 0; k < raw.length; k++) {
            raw[k] = HexFormat.of().parseHex(PACKETS[k]);
            total += raw[k].length;
        }
        seg = Arena.ofAuto().allocate(total);
        offset = new int[raw.length];
        length = new int[raw.length];
        headerEnd = new int[raw.length];
        int at = 0;
        for (int k = 0; k < raw.length; k++) {
            MemorySegment.copy(raw[k], 0, seg, ValueLayout.JAVA_BYTE, at, raw[k].length);
            offset[k] = at;
            length[k] = raw[k].length;
            if (PacketDecoder.decode(seg, at, length[k], length[k], out) != DecodeResult.OK) {
                throw new IllegalStateException("benchmark packet " + k + " does not decode");
            }
            headerEnd[k] = out.payloadOffset();
            at += raw[k].length;
        }
    }

    @Benchmark
    public int decode() {
        int k = i++ & 3;
        PacketDecoder.decode(seg, offset[k], length[k], length[k], out);
        return out.dstPort();
    }

    @Benchmark
    public int readHeaderBytes() {
        int k = i++ & 3;
        int sum = 0;
        long base = offset[k];
        for (int j = 0, n = headerEnd[k]; j < n; j++) {
            sum += seg.get(ValueLayout.JAVA_BYTE, base + j);
        }
        return sum;
    }
}
