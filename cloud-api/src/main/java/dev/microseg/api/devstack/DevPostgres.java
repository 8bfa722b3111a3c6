package dev.microseg.api.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack's PostgreSQL ({@code ./microseg up}, and {@code bench/api/run}): zonky's
 * embedded PostgreSQL binaries from Maven Central, with a persistent data directory that is
 * never cleaned, so {@code up}/{@code down}/{@code up} keeps data. Prints {@value #READY} once
 * PostgreSQL accepts connections and stops it cleanly on SIGTERM.
 *
 * <p>Durable like a production server: zonky starts PostgreSQL with {@code -F} (fsync off) and
 * {@code synchronous_commit=off}, right for throw-away test databases but not for data kept
 * across restarts, nor for benchmark figures that claim to include commit cost. Both are set
 * back to PostgreSQL's defaults here ({@link #DURABLE}); the tests' database keeps zonky's.
 *
 * <p>Usage: {@code DevPostgres --data DIR --port N}
 */
public final class DevPostgres {
    public static final String READY = "microseg-dev-postgres ready";
    /** Server settings that undo zonky's non-durable defaults ({@code -c} options come after its {@code -F}). */
    static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on");

    private DevPostgres() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path data = null;
        int port = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(value(args, ++i, "--data"));
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (data == null || port <= 0 || port > 65535) {
            usage("--data DIR and --port N are required");
        }
        Files.createDirectories(data);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port);
        DURABLE.forEach(builder::setServerConfig);
        EmbeddedPostgres pg = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
                System.out.println("microseg-dev-postgres stopped");
            } catch (IOException e) {
                System.err.println("microseg-dev-postgres: stopping PostgreSQL failed: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "dev-postgres-stop"));
        System.out.println(READY + " port=" + port + " data=" + data.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("DevPostgres: " + problem + "\nusage: DevPostgres --data DIR --port N");
        System.exit(64);
    }
}
