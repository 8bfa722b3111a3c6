package dev.microseg.model;

import dev.microseg.model.flow.Verdict;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.policy.RuleAction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** The API words for modes, rule actions and verdicts: what parses, and the error for what does not. */
class EnumParsingTest {

    static Stream<Arguments> valid() {
        Function<String, Object> mode = s -> PolicyMode.parse("policy_mode", s);
        Function<String, Object> action = s -> RuleAction.parse("action", s);
        Function<String, Object> verdict = Verdict::parse;
        return Stream.of(
                argumentSet("Monitor", mode, "Monitor", PolicyMode.MONITOR),
                argumentSet("monitor lower case", mode, "monitor", PolicyMode.MONITOR),
                argumentSet("PROTECT upper case", mode, "PROTECT", PolicyMode.PROTECT),
                argumentSet("protect with blanks", mode, " protect ", PolicyMode.PROTECT),
                argumentSet("allow", action, "allow", RuleAction.ALLOW),
                argumentSet("DENY", action, "DENY", RuleAction.DENY),
                argumentSet("Allow with blanks", action, " Allow ", RuleAction.ALLOW),
                argumentSet("allowed", verdict, "allowed", Verdict.ALLOWED),
                argumentSet("VIOLATION", verdict, "VIOLATION", Verdict.VIOLATION),
                argumentSet("denied with blanks", verdict, " denied ", Verdict.DENIED));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(Function<String, Object> parser, String text, Object expected) {
        assertThat(parser.apply(text)).isSameAs(expected);
    }

    static Stream<Arguments> invalid() {
        Function<String, Object> mode = s -> PolicyMode.parse("policy_mode", s);
        Function<String, Object> action = s -> RuleAction.parse("action", s);
        Function<String, Object> verdict = Verdict::parse;
        return Stream.of(
                argumentSet("Discover mode is not offered", mode, "Discover", "policy_mode", "must be 'Monitor' or 'Protect', not 'Discover'"),
                argumentSet("empty mode", mode, "", "policy_mode", "must be 'Monitor' or 'Protect', not ''"),
                argumentSet("null mode", mode, null, "policy_mode", "must be 'Monitor' or 'Protect'"),
                argumentSet("drop is not an action", action, "drop", "action", "must be 'allow' or 'deny', not 'drop'"),
                argumentSet("null action", action, null, "action", "must be 'allow' or 'deny'"),
                argumentSet("deny is not a verdict", verdict, "deny", "verdict", "must be 'allowed', 'violation' or 'denied', not 'deny'"),
                argumentSet("null verdict", verdict, null, "verdict", "must be 'allowed', 'violation' or 'denied'"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(Function<String, Object> parser, String text, String field, String reason) {
        assertThatThrownBy(() -> parser.apply(text)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    static Stream<Arguments> tokens() {
        return Stream.of(
                argumentSet("Monitor", PolicyMode.MONITOR.display(), "Monitor"),
                argumentSet("Protect", PolicyMode.PROTECT.toString(), "Protect"),
                argumentSet("allow", RuleAction.ALLOW.token(), "allow"),
                argumentSet("deny", RuleAction.DENY.token(), "deny"),
                argumentSet("allowed", Verdict.ALLOWED.token(), "allowed"),
                argumentSet("violation", Verdict.VIOLATION.token(), "violation"),
                argumentSet("denied", Verdict.DENIED.token(), "denied"));
    }

    @ParameterizedTest
    @MethodSource("tokens")
    void printsTheApiWord(String actual, String expected) {
        assertThat(actual).isEqualTo(expected);
    }
}
