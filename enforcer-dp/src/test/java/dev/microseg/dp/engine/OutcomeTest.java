package dev.microseg.dp.engine;

import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.ViolationReason;
import dev.microseg.dp.session.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** How the answers of a connection's two ends combine: deny beats violate beats allow; the most specific answer is reported. */
class OutcomeTest {
    private static final int SRC = 3;
    private static final int DST = 7;

    private static Decision rule(int id, Action a) {
        return new Decision(Decision.Kind.RULE, id, a, 0);
    }

    private static Decision byDefault(Action a) {
        return new Decision(Decision.Kind.DEFAULT, 0, a, 0);
    }

    private static Decision needsApp(int id) {
        return new Decision(Decision.Kind.NEEDS_APPLICATION, id, Action.ALLOW, 0);
    }

    private static final Decision NONE = Decision.UNENFORCED;

    /** egress answer, ingress answer (null: not a local workload) → verdict, deciding end, reported rule, action, reason. */
    static Stream<Arguments> cases() {
        return Stream.of(
            arguments("neither end local", null, null, Verdict.ALLOWED, null, 0, RuleAction.ALLOW, ViolationReason.RULE),
            arguments("only the source, no policy", NONE, null, Verdict.ALLOWED, "egress", 0, RuleAction.ALLOW, ViolationReason.RULE),
            arguments("destination rule denies", rule(1, Action.ALLOW), rule(2, Action.DENY), Verdict.DENIED, "ingress", 2,
                RuleAction.DENY, ViolationReason.RULE),
            arguments("both deny: source decides", rule(1, Action.DENY), rule(2, Action.DENY), Verdict.DENIED, "egress", 1,
                RuleAction.DENY, ViolationReason.RULE),
            arguments("a rule beats a default of equal strength", byDefault(Action.DENY), rule(2, Action.DENY),
                Verdict.DENIED, "ingress", 2, RuleAction.DENY, ViolationReason.RULE),
            arguments("violate beats allow", rule(1, Action.VIOLATE), rule(2, Action.ALLOW), Verdict.VIOLATION, "egress", 1,
                RuleAction.VIOLATE, ViolationReason.RULE),
            arguments("allow by rule beats allow by default", byDefault(Action.ALLOW), rule(2, Action.ALLOW),
                Verdict.ALLOWED, "ingress", 2, RuleAction.ALLOW, ViolationReason.RULE),
            arguments("allow by rule at the source", rule(1, Action.ALLOW), byDefault(Action.ALLOW), Verdict.ALLOWED,
                "egress", 1, RuleAction.ALLOW, ViolationReason.RULE),
            arguments("Monitor default at the destination", NONE, byDefault(Action.VIOLATE), Verdict.VIOLATION, "ingress", 0,
                RuleAction.VIOLATE, ViolationReason.DEFAULT_ACTION),
            arguments("pending DPI beats violate", needsApp(3), rule(2, Action.VIOLATE), Verdict.PENDING_APPLICATION,
                "egress", 3, RuleAction.ALLOW, ViolationReason.RULE),
            arguments("deny beats pending DPI", needsApp(3), byDefault(Action.DENY), Verdict.DENIED, "ingress", 0,
                RuleAction.DENY, ViolationReason.DEFAULT_ACTION),
            arguments("learn passes", rule(5, Action.LEARN), null, Verdict.ALLOWED, "egress", 5, RuleAction.LEARN,
                ViolationReason.RULE),
            arguments("only the destination local", null, rule(4, Action.ALLOW), Verdict.ALLOWED, "ingress", 4,
                RuleAction.ALLOW, ViolationReason.RULE),
            arguments("policy covers only one direction", NONE, rule(6, Action.DENY), Verdict.DENIED, "ingress", 6,
                RuleAction.DENY, ViolationReason.RULE),
            arguments("application rule denies", new Decision(Decision.Kind.APPLICATION, 70, Action.DENY, 1001), NONE,
                Verdict.DENIED, "egress", 70, RuleAction.DENY, ViolationReason.APPLICATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void combines(String name, Decision egress, Decision ingress, Verdict verdict, String side, int rule,
                  RuleAction action, ViolationReason reason) {
        Outcome o = new Outcome().combine(egress, egress == null ? -1 : SRC, ingress, ingress == null ? -1 : DST);
        assertThat(o.verdict).isEqualTo(verdict);
        assertThat(o.ruleId()).isEqualTo(rule);
        assertThat(o.action()).isEqualTo(action);
        assertThat(o.reason()).isEqualTo(reason);
        if (side == null) {
            assertThat(o.endpoint).isEqualTo(Outcome.NO_ENDPOINT);
            assertThat(o.endpointRef()).isEqualTo(-1);
        } else {
            boolean in = side.equals("ingress");
            assertThat(o.ingress).isEqualTo(in);
            assertThat(o.endpoint).isEqualTo(in ? DST : SRC);
            assertThat(Outcome.endpointOf(o.endpointRef())).isEqualTo(in ? DST : SRC);
            assertThat(Outcome.ingressOf(o.endpointRef())).isEqualTo(in);
        }
    }
}
