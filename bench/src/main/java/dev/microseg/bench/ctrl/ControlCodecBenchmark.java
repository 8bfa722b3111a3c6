package dev.microseg.bench.ctrl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.ControlDecoder;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.FlowTuple;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.PolicySplitter;
import dev.microseg.dp.protocol.ReportEncoder;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.RuleApp;
import dev.microseg.dp.protocol.WorkloadPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The dp control protocol's codecs against plain Jackson in the same run:
 * <ul>
 *   <li>decoding one 40-rule {@code ctrl_cfg_policy} datagram (the batch size) into validated records,
 *       against {@code ObjectMapper.readTree} of the same bytes (parsing only, no validation, no records);</li>
 *   <li>encoding a batch of 500 connection records into one binary report message, against Jackson
 *       serialising the same records as JSON (what a JSON report would cost).</li>
 * </ul>
 * {@code main} runs all four and prints each ratio; see docs/benchmarks.md. Sample-time mode and the
 * median: the machines here are shared and noisy (other builds preempt the benchmark for milliseconds
 * at a time), and an operation of tens of microseconds mostly runs between preemptions, so the median
 * is stable where the mean is not.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ControlCodecBenchmark {
    static final int CONNECTIONS = 500;

    private final ObjectMapper mapper = new ObjectMapper();
    private byte[] policyDatagram;
    private ConnectionReport connections;
    private ByteBuffer out;
    private long seq;

    @Setup
    public void setup() {
        List<PolicyRule> rules = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            IpAddress lo = IpAddress.v4(0x0A000000 | (i << 8));
            IpAddress hi = IpAddress.v4(0x0A000000 | (i << 8) | 0xFF);
            IpAddress wl = IpAddress.v4(0xAC110002);
            List<RuleApp> apps = i % 4 == 0 ? List.of(new RuleApp(2000 + i, 1001, RuleAction.ALLOW)) : List.of();
            rules.add(new PolicyRule(1000 + i, lo, hi, wl, wl, 8000 + i, 8000 + i, IpProto.TCP,
                    i % 5 == 0 ? RuleAction.DENY : RuleAction.ALLOW, i % 2 == 0, Optional.empty(), false, apps));
        }
        WorkloadPolicy policy = new WorkloadPolicy(PolicyCmd.MODIFY, RuleAction.DENY, PolicyDir.BOTH,
                List.of(new MacAddress(0x0242AC110002L)), rules);
        policyDatagram = PolicySplitter.split(policy).getFirst();

        List<Connection> list = new ArrayList<>(CONNECTIONS);
        for (int i = 0; i < CONNECTIONS; i++) {
            FlowTuple t = new FlowTuple(new MacAddress(0x0242AC110002L + (i % 8)), 6, IpAddress.v4(0x0A000000 | i),
                    30000 + i, IpAddress.v4(0xAC110002), 443);
            list.add(new Connection(t, 1001, 10 + i % 40, RuleAction.ALLOW, i % 17 == 0, i % 2 == 0, false, 1 + i % 3,
                    12L * i, 10L * i, 1500L * i, 800L * i, 1_763_769_600_000L + i, 1_763_769_605_000L + i));
        }
        connections = new ConnectionReport(list);
        out = ByteBuffer.allocate(ReportEncoder.messageLength(connections));
    }

    @Benchmark
    public ControlCommand decodePolicy40() throws ControlException {
        return ControlDecoder.decode(policyDatagram);
    }

    @Benchmark
    public JsonNode baselineJacksonTree40() throws IOException {
        return mapper.readTree(policyDatagram);
    }

    @Benchmark
    public int encodeConnections500() {
        out.clear();
        return ReportEncoder.encodeMessage(connections, 0, seq++ & 0xFFFF_FFFFL, out);
    }

    @Benchmark
    public byte[] baselineJacksonJsonConnections500() throws IOException {
        return mapper.writeValueAsBytes(connections);
    }

    /** Runs the four benchmarks and prints the ratios against their baselines. */
    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(ControlCodecBenchmark.class.getName() + "\\.")
                .build()).run();
        Map<String, Double> score = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            score.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getStatistics().getPercentile(50));
        }
        ControlCodecBenchmark probe = new ControlCodecBenchmark();
        probe.setup();
        System.out.printf("%nmicroseg ctrl codec benchmark (median time per operation, lower is better)%n");
        System.out.printf("  40-rule ctrl_cfg_policy datagram: %d bytes; 500 connection records: %d bytes binary%n",
                probe.policyDatagram.length, probe.out.capacity());
        System.out.printf("  decode 40-rule policy (validated records): %8.2f us%n", score.get("decodePolicy40"));
        System.out.printf("  baseline Jackson readTree (parse only):    %8.2f us%n", score.get("baselineJacksonTree40"));
        System.out.printf("  ratio decode / baseline:                   %8.2f%n",
                score.get("decodePolicy40") / score.get("baselineJacksonTree40"));
        System.out.printf("  encode 500 connection records (binary):    %8.2f us%n", score.get("encodeConnections500"));
        System.out.printf("  baseline Jackson JSON of the same records: %8.2f us%n", score.get("baselineJacksonJsonConnections500"));
        System.out.printf("  ratio encode / baseline:                   %8.2f%n",
                score.get("encodeConnections500") / score.get("baselineJacksonJsonConnections500"));
    }
}
