package dev.microseg.model;

import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.flow.FlowRecord;
import dev.microseg.model.flow.Verdict;
import dev.microseg.model.net.IpAddresses;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortSpec;
import dev.microseg.model.policy.Protocol;
import dev.microseg.model.policy.RuleAction;
import dev.microseg.model.workload.Node;
import dev.microseg.model.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** The compact constructors of the plain records: which field an invalid value is blamed on. */
class RecordValidationTest {
    private static final InetAddress IP = IpAddresses.parse("ip", "10.0.0.1");

    private static PolicyRule rule(long id, String from, String to, String comment) {
        return new PolicyRule(id, from, to, PortSpec.ANY, null, RuleAction.ALLOW, false, comment);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                argumentSet("rule id 0", (Executable) () -> rule(0, "a", "b", null), "id", "must be between 1 and 4294967295"),
                argumentSet("rule id above u32", (Executable) () -> rule(PolicyRule.MAX_ID + 1, "a", "b", null), "id",
                        "must be between 1 and 4294967295"),
                argumentSet("rule from empty", (Executable) () -> rule(1, "", "b", null), "from", "must not be empty"),
                argumentSet("rule to bad name", (Executable) () -> rule(1, "a", "b c", null), "to",
                        "'b c' may contain only letters, digits, '.', '_', ':' and '-', and must start and end with a letter or digit"),
                argumentSet("rule comment too long", (Executable) () -> rule(1, "a", "b", "c".repeat(1025)), "comment",
                        "must be at most 1024 characters"),
                argumentSet("tenant negative version", (Executable) () -> new Tenant(UUID.randomUUID(), "demo", -1, Instant.EPOCH),
                        "policy_version", "must not be negative"),
                argumentSet("tenant bad name", (Executable) () -> new Tenant(UUID.randomUUID(), "-demo", 0, Instant.EPOCH), "name",
                        "'-demo' may contain only letters, digits, '.', '_', ':' and '-', and must start and end with a letter or digit"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void blamesTheField(Executable construct, String field, String reason) {
        assertThatThrownBy(construct::execute).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    @Test
    void ruleDefaultsAndBounds() {
        PolicyRule r = rule(PolicyRule.MAX_ID, "a", "b", null);
        assertThat(r.applications()).isEmpty();
        assertThat(r.comment()).isEmpty();
        List<dev.microseg.model.app.Application> apps = new ArrayList<>(ApplicationRegistry.parseList("a", List.of("HTTP")));
        PolicyRule withApps = new PolicyRule(1, "a", "b", PortSpec.ANY, apps, RuleAction.DENY, true, "x");
        apps.clear();
        assertThat(withApps.applications()).hasSize(1);
        assertThatThrownBy(() -> new PolicyRule(1, "a", "b", null, null, RuleAction.ALLOW, false, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PolicyRule(1, "a", "b", PortSpec.ANY, null, null, false, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void workloadCopiesAndDefaults() {
        Map<String, String> labels = new HashMap<>(Map.of("app", "web"));
        List<InetAddress> addresses = new ArrayList<>(List.of(IP));
        Workload w = new Workload("c1", null, "n1", labels, addresses, null);
        labels.put("env", "prod");
        addresses.clear();
        assertThat(w.name()).isEqualTo("c1");
        assertThat(w.labels()).containsOnlyKeys("app");
        assertThat(w.addresses()).containsExactly(IP);
        assertThat(w.mac()).isEmpty();
        Workload bare = new Workload("c2", "n", "n1", null, null, "02:00:00:00:00:01");
        assertThat(bare.labels()).isEmpty();
        assertThat(bare.addresses()).isEmpty();
        assertThatThrownBy(() -> new Workload(null, "n", "n1", null, null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void nodeDefaults() {
        Node n = new Node(UUID.randomUUID(), "host-1", null, 0, false, null);
        assertThat(n.agentVersion()).isEmpty();
        assertThatThrownBy(() -> new Node(null, "h", "1", 0, false, null)).isInstanceOf(NullPointerException.class);
    }

    private static FlowRecord flow(int port, long sessions, long packets, long bytes) {
        return new FlowRecord(Instant.EPOCH, "n1", null, null, IP, IP, Protocol.TCP, port, 0, 0, Verdict.ALLOWED, sessions, packets, bytes);
    }

    static Stream<Arguments> badFlows() {
        return Stream.of(
                argumentSet("negative port", (Executable) () -> flow(-1, 0, 0, 0), "serverPort out of range: -1"),
                argumentSet("port 65536", (Executable) () -> flow(65536, 0, 0, 0), "serverPort out of range: 65536"),
                argumentSet("negative sessions", (Executable) () -> flow(80, -1, 0, 0), "counters must not be negative"),
                argumentSet("negative packets", (Executable) () -> flow(80, 0, -1, 0), "counters must not be negative"),
                argumentSet("negative bytes", (Executable) () -> flow(80, 0, 0, -1), "counters must not be negative"));
    }

    @ParameterizedTest
    @MethodSource("badFlows")
    void flowRejects(Executable construct, String message) {
        assertThatThrownBy(construct::execute).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void flowDefaults() {
        FlowRecord f = flow(0, 0, 0, 0);
        assertThat(f.clientWorkload()).isEmpty();
        assertThat(f.serverWorkload()).isEmpty();
        assertThat(flow(65535, 1, 1, 1).serverPort()).isEqualTo(65535);
    }
}
