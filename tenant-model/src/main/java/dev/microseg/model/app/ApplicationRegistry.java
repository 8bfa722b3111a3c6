package dev.microseg.model.app;

import dev.microseg.model.InvalidFieldException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The applications rules may name, with stable ids. The ids follow NeuVector's DPI application
 * ids ({@code DPI_APP_HTTP = 1001} ... {@code DPI_APP_GRPC = 2028} in NeuVector's
 * {@code defs.h}) so that reports from a NeuVector-style data plane map without translation.
 * Ids are never renumbered; new applications take new ids.
 */
public final class ApplicationRegistry {
    /** Application id of traffic DPI could not identify. */
    public static final int UNKNOWN = 0;
    /** Bound on the applications one rule may list; NeuVector's UI caps rule apps similarly. */
    public static final int MAX_PER_RULE = 32;

    private static final List<Application> ALL = List.of(
            app(1001, "HTTP", "HTTP/1", "HTTP/2"),
            app(1002, "SSL", "TLS", "SSL/TLS", "HTTPS"),
            app(1003, "SSH"),
            app(1004, "DNS"),
            app(1005, "DHCP"),
            app(1006, "NTP"),
            app(1007, "TFTP"),
            app(1008, "Echo"),
            app(1009, "RTSP"),
            app(1010, "SIP"),
            app(2001, "MySQL", "MariaDB"),
            app(2002, "Redis"),
            app(2003, "ZooKeeper"),
            app(2004, "Cassandra"),
            app(2005, "MongoDB"),
            app(2006, "PostgreSQL", "Postgres"),
            app(2007, "Kafka"),
            app(2008, "Couchbase"),
            app(2009, "Wordpress"),
            app(2010, "ActiveMQ"),
            app(2011, "CouchDB"),
            app(2012, "ElasticSearch", "Elastic"),
            app(2013, "Memcached"),
            app(2014, "RabbitMQ", "AMQP"),
            app(2015, "Radius"),
            app(2016, "VoltDB"),
            app(2017, "Consul"),
            app(2018, "Syslog"),
            app(2019, "etcd"),
            app(2020, "Spark"),
            app(2021, "Apache"),
            app(2022, "nginx"),
            app(2023, "Jetty"),
            app(2024, "NodeJS", "Node.js"),
            app(2025, "Erlang", "EPMD"),
            app(2026, "TNS", "Oracle"),
            app(2027, "TDS", "MSSQL", "SQLServer"),
            app(2028, "gRPC"));

    private static final Map<String, Application> BY_NAME;
    private static final Map<Integer, Application> BY_ID;

    static {
        Map<String, Application> byName = new HashMap<>();
        Map<Integer, Application> byId = new HashMap<>();
        for (Application a : ALL) {
            if (byId.put(a.id(), a) != null) {
                throw new ExceptionInInitializerError("duplicate application id " + a.id());
            }
            for (String n : names(a)) {
                if (byName.put(n.toLowerCase(Locale.ROOT), a) != null) {
                    throw new ExceptionInInitializerError("duplicate application name " + n);
                }
            }
        }
        BY_NAME = Map.copyOf(byName);
        BY_ID = Map.copyOf(byId);
    }

    private ApplicationRegistry() {
    }

    private static Application app(int id, String name, String... aliases) {
        return new Application(id, name, List.of(aliases));
    }

    private static List<String> names(Application a) {
        List<String> n = new ArrayList<>();
        n.add(a.name());
        n.addAll(a.aliases());
        return n;
    }

    /** Every known application, in id order. */
    public static List<Application> all() {
        return ALL;
    }

    /** Case-insensitive lookup by name or alias. */
    public static Optional<Application> byName(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name.strip().toLowerCase(Locale.ROOT)));
    }

    public static Optional<Application> byId(int id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** Display name for an id, {@code unknown} for 0 and ids this version does not know. */
    public static String nameOf(int id) {
        Application a = BY_ID.get(id);
        return a == null ? "unknown" : a.name();
    }

    /**
     * Parses a rule's application list. Empty or {@code ["any"]} means any application (an
     * empty list). Duplicates collapse; unknown names are rejected naming the item.
     */
    public static List<Application> parseList(String field, List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        if (names.size() > MAX_PER_RULE) {
            throw new InvalidFieldException(field, "lists " + names.size() + " applications; at most " + MAX_PER_RULE);
        }
        Set<Application> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n != null && n.strip().equalsIgnoreCase("any")) {
                if (names.size() > 1) {
                    throw new InvalidFieldException(field + "[" + i + "]", "'any' cannot be combined with other applications");
                }
                return List.of();
            }
            int index = i;
            Application a = byName(n).orElseThrow(() -> new InvalidFieldException(field + "[" + index + "]",
                    "unknown application '" + n + "'; known: " + String.join(", ", ALL.stream().map(Application::name).toList())));
            out.add(a);
        }
        List<Application> sorted = new ArrayList<>(out);
        sorted.sort((x, y) -> Integer.compare(x.id(), y.id()));
        return Collections.unmodifiableList(sorted);
    }
}
