package dev.microseg.model.app;

import dev.microseg.model.InvalidFieldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ApplicationRegistryTest {

    /**
     * The whole table, pinned. The ids are NeuVector's {@code DPI_APP_*} values from its
     * {@code defs.h} (1001 HTTP ... 1010 SIP, 2001 MySQL ... 2028 gRPC); they are stored with flows
     * and carried to the data plane, so a change here breaks stored data and deployed nodes.
     * Adding an application appends a line; never edit one.
     */
    private static final List<String> PINNED = List.of(
            "1001 HTTP | HTTP/1, HTTP/2",
            "1002 SSL | TLS, SSL/TLS, HTTPS",
            "1003 SSH |",
            "1004 DNS |",
            "1005 DHCP |",
            "1006 NTP |",
            "1007 TFTP |",
            "1008 Echo |",
            "1009 RTSP |",
            "1010 SIP |",
            "2001 MySQL | MariaDB",
            "2002 Redis |",
            "2003 ZooKeeper |",
            "2004 Cassandra |",
            "2005 MongoDB |",
            "2006 PostgreSQL | Postgres",
            "2007 Kafka |",
            "2008 Couchbase |",
            "2009 Wordpress |",
            "2010 ActiveMQ |",
            "2011 CouchDB |",
            "2012 ElasticSearch | Elastic",
            "2013 Memcached |",
            "2014 RabbitMQ | AMQP",
            "2015 Radius |",
            "2016 VoltDB |",
            "2017 Consul |",
            "2018 Syslog |",
            "2019 etcd |",
            "2020 Spark |",
            "2021 Apache |",
            "2022 nginx |",
            "2023 Jetty |",
            "2024 NodeJS | Node.js",
            "2025 Erlang | EPMD",
            "2026 TNS | Oracle",
            "2027 TDS | MSSQL, SQLServer",
            "2028 gRPC |");

    @Test
    void idsNeverChange() {
        List<String> actual = ApplicationRegistry.all().stream()
                .map(a -> (a.id() + " " + a.name() + " | " + String.join(", ", a.aliases())).strip())
                .toList();
        assertThat(actual).containsExactlyElementsOf(PINNED.stream().map(String::strip).toList());
        assertThat(ApplicationRegistry.UNKNOWN).isZero();
    }

    @Test
    void allIsInIdOrderAndImmutable() {
        List<Integer> ids = ApplicationRegistry.all().stream().map(Application::id).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThatThrownBy(() -> ApplicationRegistry.all().add(new Application(9999, "X", List.of())))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> lookups() {
        return Stream.of(
                argumentSet("canonical name", "HTTP", 1001),
                argumentSet("lower case", "mysql", 2001),
                argumentSet("alias", "TLS", 1002),
                argumentSet("alias lower case", "https", 1002),
                argumentSet("alias with slash", "HTTP/2", 1001),
                argumentSet("alias with dot", "node.js", 2024),
                argumentSet("blanks", "  Redis ", 2002),
                argumentSet("postgres alias", "Postgres", 2006),
                argumentSet("MariaDB is MySQL", "MariaDB", 2001));
    }

    @ParameterizedTest
    @MethodSource("lookups")
    void findsByNameOrAlias(String name, int id) {
        assertThat(ApplicationRegistry.byName(name)).get().extracting(Application::id).isEqualTo(id);
        assertThat(ApplicationRegistry.byId(id)).get().isEqualTo(ApplicationRegistry.byName(name).orElseThrow());
    }

    static Stream<Arguments> misses() {
        return Stream.of(
                argumentSet("null", (Object) null),
                argumentSet("unknown", "Bogus"),
                argumentSet("any is not an application", "any"),
                argumentSet("empty", ""));
    }

    @ParameterizedTest
    @MethodSource("misses")
    void doesNotFind(String name) {
        assertThat(ApplicationRegistry.byName(name)).isEmpty();
    }

    static Stream<Arguments> names() {
        return Stream.of(
                argumentSet("unknown id 0", 0, "unknown"),
                argumentSet("id not in this version", 2029, "unknown"),
                argumentSet("negative", -1, "unknown"),
                argumentSet("HTTP", 1001, "HTTP"),
                argumentSet("gRPC", 2028, "gRPC"));
    }

    @ParameterizedTest
    @MethodSource("names")
    void namesIds(int id, String name) {
        assertThat(ApplicationRegistry.nameOf(id)).isEqualTo(name);
    }

    static Stream<Arguments> lists() {
        return Stream.of(
                argumentSet("null is any", null, List.of()),
                argumentSet("empty is any", List.of(), List.of()),
                argumentSet("any", List.of("any"), List.of()),
                argumentSet("ANY", List.of(" ANY "), List.of()),
                argumentSet("one", List.of("HTTP"), List.of(1001)),
                argumentSet("sorted by id", List.of("MySQL", "Redis", "HTTP"), List.of(1001, 2001, 2002)),
                argumentSet("alias and name collapse", List.of("https", "SSL", "TLS"), List.of(1002)),
                argumentSet("case duplicates collapse", List.of("http", "HTTP"), List.of(1001)),
                argumentSet("32 is the bound", Collections.nCopies(32, "DNS"), List.of(1004)));
    }

    @ParameterizedTest
    @MethodSource("lists")
    void parsesLists(List<String> names, List<Integer> ids) {
        List<Application> apps = ApplicationRegistry.parseList("applications", names);
        assertThat(apps).extracting(Application::id).containsExactlyElementsOf(ids);
        assertThatThrownBy(() -> apps.add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> badLists() {
        String known = "; known: " + String.join(", ", ApplicationRegistry.all().stream().map(Application::name).toList());
        return Stream.of(
                argumentSet("unknown", List.of("Bogus"), "applications[0]", "unknown application 'Bogus'" + known),
                argumentSet("unknown after duplicates names its own index", List.of("HTTP", "HTTP", "Bogus"), "applications[2]",
                        "unknown application 'Bogus'" + known),
                argumentSet("null item", Arrays.asList("HTTP", null), "applications[1]", "unknown application 'null'" + known),
                argumentSet("any after another", List.of("HTTP", "any"), "applications[1]", "'any' cannot be combined with other applications"),
                argumentSet("any first", List.of("any", "HTTP"), "applications[0]", "'any' cannot be combined with other applications"),
                argumentSet("33 items", IntStream.range(0, 33).mapToObj(i -> "DNS").toList(), "applications",
                        "lists 33 applications; at most 32"));
    }

    @ParameterizedTest
    @MethodSource("badLists")
    void rejectsLists(List<String> names, String field, String reason) {
        assertThatThrownBy(() -> ApplicationRegistry.parseList("applications", names)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    @Test
    void applicationRejectsNonPositiveIds() {
        assertThatThrownBy(() -> new Application(0, "X", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Application(1, null, List.of())).isInstanceOf(NullPointerException.class);
        List<String> aliases = new ArrayList<>(List.of("a"));
        Application a = new Application(5000, "X", aliases);
        aliases.add("b");
        assertThat(a.aliases()).containsExactly("a");
        assertThat(a).hasToString("X");
    }
}
