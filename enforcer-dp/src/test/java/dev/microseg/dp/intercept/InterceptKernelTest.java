package dev.microseg.dp.intercept;

import dev.microseg.dp.testing.PingResult;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.microseg.dp.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dp's netfilter rules in a real namespace: backend detection, installation in both
 * families, workload addresses, coexistence with foreign rules, complete removal, recovery from
 * a crashed run (including a dp child process killed with SIGKILL while holding the queue).
 */
class InterceptKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static RoutedTopology topo;
    private static Workload ws1;
    private static Workload ws2;

    @BeforeAll
    static void topology() throws Exception {
        topo = RoutedTopology.create(2);
        ws1 = topo.workload(1);
        ws2 = topo.workload(2);
    }

    @AfterAll
    static void teardown() {
        if (topo != null) {
            topo.close();
        }
    }

    private static InterceptConfig config(String chain) {
        return InterceptConfig.of(1, true).withChainPrefix(chain).inNamespace(topo.router());
    }

    /** iptables-save without its timestamped comment lines. */
    private static String save(IpFamily f) throws Exception {
        return topo.exec(topo.router(), f.saveCommand(), "-t", "filter").stdout().lines()
                .filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void detectionAgreesWithWhatTheKernelAccepts() throws Exception {
        InterceptBackend b = InterceptManager.create(config("MSDETECT")).detectBackend();
        assertThat(b.iptablesVersion()).startsWith("iptables v");
        assertThat(b.ip6tables()).isTrue();
        assertThat(b.nativeNftQueue()).isEqualTo(b.nftProbeError().isEmpty());
        var probe = topo.run(topo.router(), WAIT, "nft", "add table inet msverify; add chain inet msverify c; "
                + "add rule inet msverify c queue num 3");
        topo.run(topo.router(), WAIT, "nft", "delete", "table", "inet", "msverify");
        assertThat(probe.ok()).as("an independent nft queue rule: " + probe.message()).isEqualTo(b.nativeNftQueue());
        assertThat(b.description()).contains(b.iptablesNft() ? "iptables-nft NFQUEUE" : "legacy");
        assertThat(topo.run(topo.router(), WAIT, "nft", "list", "tables").stdout()).doesNotContain("microseg_probe");
    }

    @Test
    void installsInBothFamiliesTracksWorkloadsAndRemoveAllLeavesNoTrace() throws Exception {
        String before4 = save(IpFamily.IPV4);
        String before6 = save(IpFamily.IPV6);
        InterceptManager m = InterceptManager.create(config("MSINST"));
        try {
            m.install();
            m.addWorkloads(List.of(ws1.ipv4(), ws2.ipv6()));
            String v4 = save(IpFamily.IPV4);
            for (String hook : List.of("FORWARD", "INPUT", "OUTPUT")) {
                assertThat(v4).contains("-A " + hook + " -j MSINST\n");
                assertThat(save(IpFamily.IPV6)).contains("-A " + hook + " -j MSINST\n");
            }
            assertThat(v4).contains("-A MSINST-WL -s 10.65.0.1/32 -j MSINST-Q\n", "-A MSINST-WL -d 10.65.0.1/32 -j MSINST-Q\n",
                    "-A MSINST-Q -j NFQUEUE --queue-num 0 --queue-bypass\n", "-j CONNMARK --save-mark");
            assertThat(v4).doesNotContain("fd65::");
            String v6 = save(IpFamily.IPV6);
            assertThat(v6).contains("-A MSINST-WL -s fd65::2/128 -j MSINST-Q\n", "--icmpv6-type 135 -j RETURN");
            assertThat(v6).doesNotContain("10.65.0.1");

            m.removeWorkload(ws1.ipv4());
            assertThat(save(IpFamily.IPV4)).doesNotContain("10.65.0.1/32");
            assertThat(save(IpFamily.IPV6)).contains("fd65::2/128");
            assertThat(m.workloads()).containsExactly(ws2.ipv6());
        } finally {
            m.removeAll();
        }
        assertThat(save(IpFamily.IPV4)).isEqualTo(before4);
        assertThat(save(IpFamily.IPV6)).isEqualTo(before6);
    }

    @Test
    void foreignRulesSurviveAndTheDpChainComesFirst() throws Exception {
        topo.exec(topo.router(), "iptables", "-N", "FOREIGN");
        topo.exec(topo.router(), "iptables", "-A", "FORWARD", "-s", "192.0.2.1/32", "-j", "FOREIGN");
        InterceptManager m = InterceptManager.create(config("MSCOEX"));
        try {
            m.install();
            List<String> forward = save(IpFamily.IPV4).lines().filter(l -> l.startsWith("-A FORWARD")).toList();
            assertThat(forward).containsExactly("-A FORWARD -j MSCOEX", "-A FORWARD -s 192.0.2.1/32 -j FOREIGN");
            m.removeAll();
            assertThat(save(IpFamily.IPV4)).contains(":FOREIGN - [0:0]", "-A FORWARD -s 192.0.2.1/32 -j FOREIGN")
                    .doesNotContain("MSCOEX");
        } finally {
            m.removeAll();
            topo.exec(topo.router(), "iptables", "-D", "FORWARD", "-s", "192.0.2.1/32", "-j", "FOREIGN");
            topo.exec(topo.router(), "iptables", "-X", "FOREIGN");
        }
    }

    @Test
    void leftoversOfACrashedRunAreReplacedAtStartAndCleanedUp() throws Exception {
        String before = save(IpFamily.IPV4);
        InterceptManager crashed = InterceptManager.create(config("MSSTALE"));
        crashed.install();
        crashed.addWorkload(ws2.ipv4());
        topo.exec(topo.router(), "iptables", "-N", "MSSTALE-OLD");
        topo.exec(topo.router(), "iptables", "-A", "OUTPUT", "-j", "MSSTALE-OLD");

        InterceptManager next = InterceptManager.create(config("MSSTALE"));
        next.install();
        String v4 = save(IpFamily.IPV4);
        for (String hook : List.of("FORWARD", "INPUT", "OUTPUT")) {
            assertThat(v4.lines().filter(l -> l.equals("-A " + hook + " -j MSSTALE"))).hasSize(1);
        }
        assertThat(v4).doesNotContain("MSSTALE-OLD").doesNotContain("10.65.0.2/32");

        assertThat(InterceptManager.cleanupStale(config("MSSTALE"))).isTrue();
        assertThat(InterceptManager.cleanupStale(config("MSSTALE"))).isFalse();
        assertThat(save(IpFamily.IPV4)).isEqualTo(before);
        assertThat(save(IpFamily.IPV6)).doesNotContain("MSSTALE");
    }

    @Test
    void severalQueuesBalanceByFlowAndCpuFanoutIsAcceptedWhenAskedFor() throws Exception {
        InterceptManager m = InterceptManager.create(config("MSBAL").withQueues(2, 4).withCpuFanout(true));
        try {
            m.install();
            String q = save(IpFamily.IPV4).lines().filter(l -> l.startsWith("-A MSBAL-Q")).findFirst().orElseThrow();
            assertThat(q).contains("-j NFQUEUE", "--queue-balance 2:5", "--queue-bypass", "--queue-cpu-fanout");
        } finally {
            m.removeAll();
        }
    }

    @Test
    void manyWorkloadsChangeInOneTransaction() throws Exception {
        InterceptManager m = InterceptManager.create(config("MSMANY"));
        try {
            m.install();
            List<java.net.InetAddress> many = new ArrayList<>();
            for (int i = 1; i <= 250; i++) {
                many.add(java.net.InetAddress.getByName("10.66." + (i / 200) + "." + (i % 200 + 1)));
            }
            m.setWorkloads(many);
            assertThat(save(IpFamily.IPV4).lines().filter(l -> l.startsWith("-A MSMANY-WL"))).hasSize(500);
            m.setWorkloads(List.of(ws2.ipv4()));
            assertThat(save(IpFamily.IPV4).lines().filter(l -> l.startsWith("-A MSMANY-WL"))).hasSize(2);
        } finally {
            m.removeAll();
        }
    }

    @Test
    void afterSigkillOfTheDpBypassKeepsTrafficFlowingAndTheNextStartCleansUp() throws Exception {
        String chain = "MSKILL";
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", topo.router(),
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.microseg.dp.testing.QueueHolderMain", "0", chain, "true",
                ws2.ipv4().getHostAddress()));
        Process dp = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(dp));
            String line = ready.get(30, TimeUnit.SECONDS);
            assertThat(line).as("child dp output").startsWith("READY");
            assertThat(queueBound(0)).isTrue();
            PingResult through = topo.ping(ws1, ws2.ipv4(), 2, WAIT);
            assertThat(through.allReceived()).as("accepted by the child's queue: " + through.output()).isTrue();

            dp.destroyForcibly();
            assertThat(dp.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(condition(() -> !queueBound(0), WAIT)).as("the kernel unbinds a killed process's queue").isTrue();
            assertThat(save(IpFamily.IPV4)).as("rules survive the crash").contains("-A FORWARD -j " + chain);
            PingResult bypass = topo.ping(ws1, ws2.ipv4(), 2, WAIT);
            assertThat(bypass.allReceived()).as("--queue-bypass fails open: " + bypass.output()).isTrue();
        } finally {
            dp.destroyForcibly();
            dp.waitFor(10, TimeUnit.SECONDS);
        }
        InterceptManager next = InterceptManager.create(config(chain));
        next.install();
        assertThat(save(IpFamily.IPV4).lines().filter(l -> l.equals("-A FORWARD -j " + chain))).hasSize(1);
        next.removeAll();
        assertThat(save(IpFamily.IPV4)).doesNotContain(chain);
        assertThat(save(IpFamily.IPV6)).doesNotContain(chain);
    }

    private static String readyLine(Process p) {
        StringBuilder all = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("READY")) {
                    Thread.ofPlatform().daemon(true).start(() -> drain(r));
                    return line;
                }
                if (all.length() < 16_384) {
                    all.append(line).append('\n');
                }
                continue;
            }
        } catch (Exception e) {
            all.append(e);
        }
        return all.toString();
    }

    private static void drain(BufferedReader r) {
        try (r) {
            while (r.readLine() != null) {
                continue;
            }
        } catch (Exception e) {
            // The child is gone.
        }
    }

    /** Whether queue {@code n} is bound in the router namespace (/proc/net/netfilter/nfnetlink_queue). */
    private static boolean queueBound(int n) {
        try {
            return topo.exec(topo.router(), "cat", "/proc/net/netfilter/nfnetlink_queue").stdout().lines()
                    .anyMatch(l -> l.strip().split("\\s+")[0].equals(Integer.toString(n)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
