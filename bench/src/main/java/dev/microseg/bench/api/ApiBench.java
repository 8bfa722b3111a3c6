package dev.microseg.bench.api;

import dev.microseg.api.auth.ApiKeyToken;
import dev.microseg.api.flow.FlowIngestor;
import dev.microseg.api.inventory.InventoryStore;
import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.flow.FlowRecord;
import dev.microseg.model.flow.Verdict;
import dev.microseg.model.policy.Protocol;
import dev.microseg.model.workload.Workload;
import io.micronaut.context.ApplicationContext;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Loads a cloud-api tenant at benchmark scale and times the topology graph. Run by
 * {@code bench/api/run}, which starts the stack and then drives the REST mix with wrk.
 *
 * <p>Data: {@value #GROUPS} groups and {@value #RULES} rules through the REST API (the real
 * create path, one revision each); {@value #WORKLOADS} workloads through the inventory store;
 * {@value #FLOWS} flow records through {@link FlowIngestor} (COPY + rollup, the node channel's
 * path), spread evenly over the {@value #HOURS} hours before now in 5-second windows, each
 * workload talking to 3 fixed peers (30,000 pairs), 90 % allowed, 8 % violation, 2 % denied.
 *
 * <p>Usage: {@code ApiBench load|graph URL TOKEN} with {@code MICROSEG_DB_URL},
 * {@code MICROSEG_DB_USER}, {@code MICROSEG_DB_PASSWORD} set for {@code load};
 * {@code ApiBench cpu SECONDS API_PID POSTMASTER_PID TRIGGER_FILE} prints how the machine's CPU
 * was shared during a phase, from 2 s after TRIGGER_FILE appears (see {@link CpuShare}).
 */
public final class ApiBench {
    static final int GROUPS = 1_000;
    static final int RULES = 5_000;
    static final int WORKLOADS = 10_000;
    static final int FLOWS = 1_000_000;
    static final int HOURS = 24;
    static final int PEERS = 3;
    static final int FLOW_BATCH = 10_000;
    static final int[] APPS = {1001, 1002, 2001, 2006, 2002, 1004};
    /** {@code BENCH_SPREAD=random}: the adversarial spread where no two records share an edge-minute. */
    static final boolean RANDOM_SPREAD = "random".equals(System.getenv("BENCH_SPREAD"));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("cpu")) {
            System.out.println(CpuShare.measure(java.nio.file.Path.of(args[4]), Duration.ofSeconds(2),
                    Duration.ofSeconds(Long.parseLong(args[1])), Long.parseLong(args[2]), Long.parseLong(args[3])));
            return;
        }
        if (args.length != 3) {
            System.err.println("usage: ApiBench load|graph URL TOKEN | cpu SECONDS API_PID POSTMASTER_PID TRIGGER_FILE");
            System.exit(64);
        }
        String url = args[1];
        String token = args[2];
        switch (args[0]) {
            case "load" -> load(url, token);
            case "graph" -> graph(url, token);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void load(String url, String token) throws Exception {
        UUID tenant = ApiKeyToken.parse(token).orElseThrow().tenant();
        long t0 = System.nanoTime();
        long[] groupNanos = new long[GROUPS];
        for (int g = 0; g < GROUPS; g++) {
            long s = System.nanoTime();
            expect(send(url, token, "POST", "/api/v1/group", "{\"name\":\"" + group(g) + "\",\"policy_mode\":\""
                    + (g % 2 == 0 ? "Monitor" : "Protect") + "\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"svc-" + g
                    + "\"},{\"key\":\"env\",\"op\":\"in\",\"value\":\"prod,stage\"}]}"), 201);
            groupNanos[g] = System.nanoTime() - s;
        }
        System.out.printf("groups: %d created through REST in %.1f s%n", GROUPS, (System.nanoTime() - t0) / 1e9);
        long t1 = System.nanoTime();
        long[] ruleNanos = new long[RULES];
        for (int r = 1; r <= RULES; r++) {
            long s = System.nanoTime();
            expect(send(url, token, "POST", "/api/v1/policy", "{\"id\":" + r + ",\"from\":\"" + group(r % GROUPS) + "\",\"to\":\""
                    + group((r * 7 + 1) % GROUPS) + "\",\"ports\":\"tcp/" + (8000 + r % 1000) + "\",\"action\":\""
                    + (r % 10 == 0 ? "deny" : "allow") + "\"}"), 201);
            ruleNanos[r - 1] = System.nanoTime() - s;
        }
        System.out.printf("rules: %d created through REST in %.1f s; p50 of the first 500: %.2f ms, of the last 500: %.2f ms "
                        + "(flat = revisions are not a snapshot per change)%n", RULES, (System.nanoTime() - t1) / 1e9,
                pct(Arrays.copyOfRange(ruleNanos, 0, 500), 50), pct(Arrays.copyOfRange(ruleNanos, RULES - 500, RULES), 50));

        try (ApplicationContext ctx = ApplicationContext.builder().properties(Map.of(
                "datasources.default.url", System.getenv("MICROSEG_DB_URL"),
                "datasources.default.username", System.getenv("MICROSEG_DB_USER"),
                "datasources.default.password", System.getenv("MICROSEG_DB_PASSWORD"),
                "micronaut.server.port", -1)).start()) {
            try (var c = java.sql.DriverManager.getConnection(System.getenv("MICROSEG_DB_URL"), System.getenv("MICROSEG_DB_USER"),
                    System.getenv("MICROSEG_DB_PASSWORD"));
                 var rs = c.createStatement().executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit'), "
                         + "current_setting('server_version')")) {
                rs.next();
                System.out.printf("postgresql %s: fsync=%s synchronous_commit=%s%n", rs.getString(3), rs.getString(1), rs.getString(2));
            }
            InventoryStore inventory = ctx.getBean(InventoryStore.class);
            long t2 = System.nanoTime();
            List<Workload> batch = new ArrayList<>();
            for (int w = 0; w < WORKLOADS; w++) {
                batch.add(new Workload(workload(w), "pod-" + w, "node-" + (w % 50),
                        Map.of("app", "svc-" + (w % GROUPS), "env", w % 3 == 0 ? "stage" : "prod"), List.of(ip(w)), ""));
                if (batch.size() == 1000) {
                    inventory.upsertWorkloads(tenant, batch);
                    batch.clear();
                }
            }
            System.out.printf("workloads: %d upserted in %.1f s%n", WORKLOADS, (System.nanoTime() - t2) / 1e9);

            FlowIngestor ingestor = ctx.getBean(FlowIngestor.class);
            Random rnd = new Random(42);
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long windows = HOURS * 3600L / 5;
            long t3 = System.nanoTime();
            List<FlowRecord> flows = new ArrayList<>(FLOW_BATCH);
            for (int i = 0; i < FLOWS; i++) {
                long window = (long) i * windows / FLOWS;
                Instant at = end.minusSeconds((windows - window) * 5);
                // sessions spread (default): 58 client/server pairs are active per minute and report in
                // each of its twelve 5-second windows, as long-lived connections do; random spread: every
                // record picks a new random client (the rollup then collapses nothing).
                int c = RANDOM_SPREAD ? rnd.nextInt(WORKLOADS)
                        : (int) (((window / 12) * 64 + i % 58) * 2654435761L % WORKLOADS);
                int s = (c * 31 + ((RANDOM_SPREAD ? rnd.nextInt(PEERS) : (int) (window / 12 % PEERS)) + 1) * 97) % WORKLOADS;
                int v = rnd.nextInt(100);
                Verdict verdict = v < 90 ? Verdict.ALLOWED : v < 98 ? Verdict.VIOLATION : Verdict.DENIED;
                long sessions = 1 + rnd.nextInt(20);
                flows.add(new FlowRecord(at, "node-" + (c % 50), workload(c), workload(s), ip(c), ip(s), Protocol.TCP,
                        8000 + s % 1000, APPS[(c + s) % APPS.length], verdict == Verdict.ALLOWED ? 1 + c % RULES : 0, verdict,
                        sessions, sessions * 12, sessions * (500 + rnd.nextInt(5000))));
                if (flows.size() == FLOW_BATCH) {
                    ingestor.ingest(tenant, flows);
                    flows.clear();
                }
            }
            if (!flows.isEmpty()) {
                ingestor.ingest(tenant, flows);
            }
            double secs = (System.nanoTime() - t3) / 1e9;
            System.out.printf("flows: %d ingested (COPY + rollup, batches of %d) in %.1f s = %.0f records/s, spread over %d h (%s)%n",
                    FLOWS, FLOW_BATCH, secs, FLOWS / secs, HOURS, RANDOM_SPREAD ? "random spread" : "sessions spread");
        }
        System.out.println("known application ids used: " + Arrays.stream(APPS).mapToObj(ApplicationRegistry::nameOf).toList());
    }

    /** Sequential timings of the one-hour graph, against /health through the same stack as baseline. */
    static void graph(String url, String token) throws Exception {
        int warm = 20;
        int runs = 200;
        for (int i = 0; i < warm; i++) {
            expect(send(url, token, "GET", "/api/v1/graph", null), 200);
            expect(send(url, token, "GET", "/health", null), 200);
        }
        long[] graph = new long[runs];
        long[] focused = new long[runs];
        long[] health = new long[runs];
        int edges = 0;
        int nodes = 0;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = send(url, token, "GET", "/api/v1/graph", null);
            graph[i] = System.nanoTime() - s;
            expect(r, 200);
            if (i == 0) {
                edges = count(r.body(), "\"violation\":");
                nodes = count(r.body(), "\"kind\":");
            }
            s = System.nanoTime();
            expect(send(url, token, "GET", "/api/v1/graph?group=" + group(i % GROUPS), null), 200);
            focused[i] = System.nanoTime() - s;
            s = System.nanoTime();
            expect(send(url, token, "GET", "/health", null), 200);
            health[i] = System.nanoTime() - s;
        }
        System.out.printf("graph (last hour, %d edges, %d nodes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", edges, nodes, pct(graph, 50),
                pct(graph, 99), pct(graph, 100));
        System.out.printf("graph?group= (one group's members): p50 %.1f ms, p99 %.1f ms%n", pct(focused, 50), pct(focused, 99));
        System.out.printf("baseline GET /health: p50 %.2f ms, p99 %.2f ms; graph p50 / health p50 = %.0fx%n",
                pct(health, 50), pct(health, 99), pct(graph, 50) / pct(health, 50));

        // a day: 23 whole hours from the hourly tier and the ragged minutes at both ends
        int dayRuns = 20;
        long[] day = new long[dayRuns];
        String dayPath = "/api/v1/graph?from=" + URLEncoder.encode(Instant.now().minus(Duration.ofHours(HOURS)).toString(), StandardCharsets.UTF_8);
        expect(send(url, token, "GET", dayPath, null), 200);
        for (int i = 0; i < dayRuns; i++) {
            long s = System.nanoTime();
            expect(send(url, token, "GET", dayPath, null), 200);
            day[i] = System.nanoTime() - s;
        }
        System.out.printf("graph (last %d hours, %d runs): p50 %.1f ms, max %.1f ms%n", HOURS, dayRuns, pct(day, 50), pct(day, 100));
    }

    static String group(int g) {
        return String.format("g%04d", g);
    }

    static String workload(int w) {
        return String.format("wl-%05d", w);
    }

    static InetAddress ip(int w) {
        return InetAddress.ofLiteral("10." + (w >> 16 & 255) + "." + (w >> 8 & 255) + "." + (w & 255));
    }

    static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))] / 1e6;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static HttpResponse<String> send(String url, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " -> " + r.statusCode() + " " + r.body());
        }
    }

}
