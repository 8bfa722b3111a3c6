package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.kcache.NftAllowTable;
import dev.microseg.dp.testing.DpProcess;
import dev.microseg.dp.testing.KernelTestSupport;
import dev.microseg.dp.testing.RoutedTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel allow cache's nft table in a real namespace: created at start, deleted on a clean
 * exit, left by SIGKILL and replaced (empty) by the next start, and removed at start when the
 * cache is off ({@code --no-kernel-allow-cache}, {@code --no-offload}).
 */
class KernelAllowCacheCleanupTest {
    private static final Duration STOP = Duration.ofSeconds(20);
    private static final String TABLE = NftAllowTable.tableName(InterceptConfig.DEFAULT_CHAIN);

    private RoutedTopology topo;
    private Path dir;
    private final List<DpProcess> started = new ArrayList<>();

    @BeforeEach
    void topology() throws Exception {
        topo = RoutedTopology.create(1);
        dir = Files.createTempDirectory("mskc");
    }

    @AfterEach
    void teardown() throws Exception {
        try {
            for (DpProcess dp : started) {
                dp.close();
            }
            if (topo != null) {
                InterceptManager.cleanupStale(InterceptConfig.of(1, true).inNamespace(topo.router()));
                NftAllowTable.remove(List.of("ip", "netns", "exec", topo.router()), TABLE);
            }
        } finally {
            if (topo != null) {
                topo.close();
            }
            KernelTestSupport.deleteFlatDirectory(dir);
        }
    }

    private DpProcess start(String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--fail-open"));
        all.addAll(List.of(flags));
        DpProcess dp = DpProcess.start(topo.router(), dir.resolve("dp.sock"), dir.resolve("agent.sock"),
                all.toArray(String[]::new));
        started.add(dp);
        return dp;
    }

    private String tables() throws Exception {
        return topo.exec(topo.router(), "nft", "list", "tables").stdout();
    }

    private String set4() throws Exception {
        return topo.exec(topo.router(), "nft", "list", "set", "inet", TABLE, NftAllowTable.SET4).stdout();
    }

    @Test
    void theTableGoesOnCleanExitStaysAfterSigkillAndIsReplacedEmptyByTheNextStart() throws Exception {
        DpProcess first = start();
        assertThat(tables()).as("created at start").contains("table inet " + TABLE);
        topo.exec(topo.router(), "nft", "add", "element", "inet", TABLE, NftAllowTable.SET4,
                "{ 10.9.9.1 . 10.9.9.2 . tcp . 99 }");
        assertThat(set4()).contains("10.9.9.1 . 10.9.9.2 . tcp . 99");
        first.kill();
        assertThat(tables()).as("a crash leaves it").contains("table inet " + TABLE);

        DpProcess second = start();
        assertThat(tables()).contains("table inet " + TABLE);
        assertThat(set4()).as("the restart replaced the crashed run's cache with an empty one" + second.logs())
                .doesNotContain("10.9.9.1");
        assertThat(second.stop(STOP)).as(second.logs()).isZero();
        assertThat(tables()).as("a clean exit deletes it").doesNotContain(TABLE);
    }

    @Test
    void withTheCacheOffAStaleTableIsRemovedAtStart() throws Exception {
        for (String flag : List.of("--no-kernel-allow-cache", "--no-offload")) {
            NftAllowTable.install(List.of("ip", "netns", "exec", topo.router()), TABLE, MarkBits.DEFAULT);
            assertThat(tables()).contains(TABLE);
            DpProcess dp = start(flag);
            assertThat(tables()).as(flag + " removes what a crashed run left").doesNotContain(TABLE);
            assertThat(dp.logs()).contains("event=kernel_allow_cache_stale_removed");
            assertThat(dp.stop(STOP)).as(dp.logs()).isZero();
        }
    }
}
