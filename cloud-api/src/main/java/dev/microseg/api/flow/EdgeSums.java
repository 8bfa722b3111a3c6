package dev.microseg.api.flow;

import dev.microseg.model.app.ApplicationRegistry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sums rollup rows (one per bucket, client, server, application and verdict) into graph edges
 * (one per client and server). Done here rather than with two levels of GROUP BY in SQL:
 * PostgreSQL's {@code sum(bigint)} yields {@code numeric}, and summing those again per edge,
 * with a sort or hash spilling past {@code work_mem}, cost ~170 ms for the ~41,000 rows of a
 * busy hour, where streaming the rows and adding {@code long}s here costs a fraction of that
 * (docs/benchmarks.md, cloud-api).
 */
final class EdgeSums {
    /**
     * Heaviest first; ties by client then server, in UTF-16 order ({@link String#compareTo},
     * independent of the database's collation). Written out rather than chained from
     * {@code Comparator.comparingLong(...).thenComparing(...)}: sorting ~30,000 edges per
     * request, the chain's indirections showed up in profiles.
     */
    static final Comparator<Edge> HEAVIEST_FIRST = (a, b) -> {
        int c = Long.compare(b.bytes, a.bytes);
        if (c != 0) {
            return c;
        }
        c = a.client.compareTo(b.client);
        return c != 0 ? c : a.server.compareTo(b.server);
    };

    /** One client → server edge, summed over the window. */
    static final class Edge {
        private final String client;
        private final String server;
        private long bytes;
        private long packets;
        private long sessions;
        private long flows;
        private long allowed;
        private long violation;
        private long denied;
        /** Distinct application ids; an edge rarely carries more than a handful. */
        private int[] apps = new int[2];
        private int appCount;

        Edge(String client, String server) {
            this.client = client;
            this.server = server;
        }

        void add(int application, String verdict, long flows, long sessions, long packets, long bytes) {
            this.flows += flows;
            this.sessions += sessions;
            this.packets += packets;
            this.bytes += bytes;
            switch (verdict) {
                case "allowed" -> allowed += sessions;
                case "violation" -> violation += sessions;
                case "denied" -> denied += sessions;
                default -> throw new IllegalArgumentException("verdict '" + verdict + "' is not allowed, violation or denied");
            }
            for (int i = 0; i < appCount; i++) {
                if (apps[i] == application) {
                    return;
                }
            }
            if (appCount == apps.length) {
                apps = Arrays.copyOf(apps, appCount * 2);
            }
            apps[appCount++] = application;
        }

        String client() {
            return client;
        }

        String server() {
            return server;
        }

        long bytes() {
            return bytes;
        }

        long packets() {
            return packets;
        }

        long sessions() {
            return sessions;
        }

        long flows() {
            return flows;
        }

        long allowed() {
            return allowed;
        }

        long violation() {
            return violation;
        }

        long denied() {
            return denied;
        }

        /** Application names, sorted. */
        List<String> applications() {
            List<String> out = new ArrayList<>(appCount);
            for (int i = 0; i < appCount; i++) {
                out.add(ApplicationRegistry.nameOf(apps[i]));
            }
            out.sort(null);
            return out;
        }
    }

    private final Map<String, Map<String, Edge>> byClient = new HashMap<>();
    private int size;
    private long rows;

    void add(String client, String server, int application, String verdict, long flows, long sessions, long packets, long bytes) {
        rows++;
        Map<String, Edge> byServer = byClient.computeIfAbsent(client, k -> new HashMap<>());
        Edge e = byServer.get(server);
        if (e == null) {
            e = new Edge(client, server);
            byServer.put(server, e);
            size++;
        }
        e.add(application, verdict, flows, sessions, packets, bytes);
    }

    /** Distinct edges summed so far. */
    int size() {
        return size;
    }

    /** Rollup rows added so far. */
    long rows() {
        return rows;
    }

    /** The edges {@code keep} accepts, heaviest first ({@link #HEAVIEST_FIRST}). */
    List<Edge> sorted(Predicate<Edge> keep) {
        List<Edge> out = new ArrayList<>(size);
        for (Map<String, Edge> byServer : byClient.values()) {
            for (Edge e : byServer.values()) {
                if (keep.test(e)) {
                    out.add(e);
                }
            }
        }
        out.sort(HEAVIEST_FIRST);
        return out;
    }
}
