package dev.microseg.dp.netns;

import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Entering a named network namespace from one Java thread, through FFM setns(2). */
class NetnsKernelTest {
    private static RoutedTopology topo;
    private static Workload ws1;

    @BeforeAll
    static void topology() throws Exception {
        topo = RoutedTopology.create(1);
        ws1 = topo.workload(1);
    }

    @AfterAll
    static void teardown() {
        if (topo != null) {
            topo.close();
        }
    }

    @Test
    void onlyTheEnteringThreadMovesAndItsSocketsLiveThere() throws Exception {
        long mine = Netns.currentInode();
        try (NetnsThread t = NetnsThread.start(ws1.netns())) {
            long theirs = t.call(Netns::currentInode);
            assertThat(theirs).isEqualTo(Netns.inode(Netns.path(ws1.netns()))).isNotEqualTo(mine);
            assertThat(Netns.currentInode()).isEqualTo(mine);
            int port = t.call(() -> {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ws1.ipv4(), 0))) {
                    return s.getLocalPort();
                }
            });
            assertThat(port).isPositive();
        }
        assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(ws1.ipv4(), 0)).close())
                .as("the workload's address does not exist in this thread's namespace").isInstanceOf(BindException.class);
    }

    @Test
    void aDedicatedThreadRunsItsBodyInsideTheNamespace() throws Exception {
        long[] seen = {0};
        Thread t = NetnsThread.startDedicated(ws1.netns(), "dedicated", () -> {
            try {
                seen[0] = Netns.currentInode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.join(5000);
        assertThat(seen[0]).isEqualTo(Netns.inode(Netns.path(ws1.netns())));
    }

    @Test
    void errorsNameTheNamespaceAndTheReason() {
        assertThatThrownBy(() -> NetnsThread.start(topo.prefix() + "-missing"))
                .hasMessage("opening network namespace /run/netns/" + topo.prefix()
                        + "-missing: ENOENT (No such file or directory)");
        assertThatThrownBy(() -> Netns.path("../etc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../etc");
        assertThatThrownBy(() -> Netns.enter(java.nio.file.Path.of("/proc/self/status")))
                .hasMessageContaining("EINVAL").hasMessageContaining("not a network namespace file");
    }
}
