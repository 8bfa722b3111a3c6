package dev.microseg.model.group;

import dev.microseg.model.InvalidFieldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class SelectorParserTest {
    private static final String BAD_KEY = " is not a valid label key (at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric)";
    private static final String BAD_VALUE = " is not a valid label value (at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric)";
    private static final String BAD_PREFIX = " has an invalid prefix (a DNS subdomain of at most 253 characters)";

    static Stream<Arguments> valid() {
        String thirtyTwo = IntStream.rangeClosed(1, 32).mapToObj(i -> "k" + i).collect(Collectors.joining(", "));
        return Stream.of(
                argumentSet("equals", "app=web", "app=web", List.of(Criterion.Op.EQUALS)),
                argumentSet("double equals", "app == web", "app=web", List.of(Criterion.Op.EQUALS)),
                argumentSet("not equals", "zone != eu", "zone!=eu", List.of(Criterion.Op.NOT_EQUALS)),
                argumentSet("not equals without blanks", "zone!=eu", "zone!=eu", List.of(Criterion.Op.NOT_EQUALS)),
                argumentSet("in", "env in (prod, stage)", "env in (prod,stage)", List.of(Criterion.Op.IN)),
                argumentSet("IN upper case", "env IN (prod)", "env in (prod)", List.of(Criterion.Op.IN)),
                argumentSet("in without blank before paren", "env in(prod)", "env in (prod)", List.of(Criterion.Op.IN)),
                argumentSet("notin", "env notin (dev,test)", "env notin (dev,test)", List.of(Criterion.Op.NOT_IN)),
                argumentSet("exists", "tier", "tier", List.of(Criterion.Op.EXISTS)),
                argumentSet("not exists", "!legacy", "!legacy", List.of(Criterion.Op.NOT_EXISTS)),
                argumentSet("not exists with blank", "! legacy", "!legacy", List.of(Criterion.Op.NOT_EXISTS)),
                argumentSet("empty value", "app=", "app=", List.of(Criterion.Op.EQUALS)),
                argumentSet("empty value inside a list", "env in (a,,b)", "env in (a,,b)", List.of(Criterion.Op.IN)),
                argumentSet("prefixed key", "app.kubernetes.io/name=web", "app.kubernetes.io/name=web", List.of(Criterion.Op.EQUALS)),
                argumentSet("value punctuation", "version=v1.2_3-rc", "version=v1.2_3-rc", List.of(Criterion.Op.EQUALS)),
                argumentSet("63-character key and value", "k".repeat(63) + "=" + "v".repeat(63), "k".repeat(63) + "=" + "v".repeat(63),
                        List.of(Criterion.Op.EQUALS)),
                argumentSet("every operator", "app=web, env in (prod,stage), tier, !legacy, zone!=eu, team notin (x)",
                        "app=web, env in (prod,stage), tier, !legacy, zone!=eu, team notin (x)",
                        List.of(Criterion.Op.EQUALS, Criterion.Op.IN, Criterion.Op.EXISTS, Criterion.Op.NOT_EXISTS,
                                Criterion.Op.NOT_EQUALS, Criterion.Op.NOT_IN)),
                argumentSet("32 criteria is the bound", thirtyTwo, thirtyTwo, IntStream.range(0, 32).mapToObj(i -> Criterion.Op.EXISTS).toList()),
                argumentSet("blank is the empty selector", "   ", "", List.of()),
                argumentSet("null is the empty selector", null, "", List.of()));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(String text, String canonical, List<Criterion.Op> ops) {
        Membership.Selector s = SelectorParser.parse("selector", text);
        assertThat(s.toString()).isEqualTo(canonical);
        assertThat(s.criteria()).extracting(Criterion::op).containsExactlyElementsOf(ops);
        assertThat(SelectorParser.parse("selector", s.toString())).isEqualTo(s);
    }

    static Stream<Arguments> invalid() {
        String thirtyThree = IntStream.rangeClosed(1, 33).mapToObj(i -> "k" + i).collect(Collectors.joining(","));
        String sixtyFiveValues = "env in (" + IntStream.rangeClosed(1, 65).mapToObj(i -> "v" + i).collect(Collectors.joining(",")) + ")";
        return Stream.of(
                argumentSet("two commas", "app=web,,tier", "has an empty criterion (two commas, or a trailing comma)"),
                argumentSet("trailing comma", "app=web,", "has an empty criterion (two commas, or a trailing comma)"),
                argumentSet("leading comma", " ,app=web", "has an empty criterion (two commas, or a trailing comma)"),
                argumentSet("unclosed paren", "env in (a,b", "unbalanced '(': a value list is not closed"),
                argumentSet("stray close paren", "env in a)", "unbalanced ')' at position 8"),
                argumentSet("extra close paren", "env in (a))", "unbalanced ')' at position 10"),
                argumentSet("text after list", "env in (a) x", "'env in (a) x': text after the value list"),
                argumentSet("list without operator", "env (a)", "'env (a)': expected 'key in (...)' or 'key notin (...)'"),
                argumentSet("list glued to key", "env(a)", "'env(a)': expected 'key in (...)' or 'key notin (...)'"),
                argumentSet("unknown list operator", "env has (a)",
                        "'env has (a)': unknown operator 'has'; expected =, !=, in, notin, exists or !exists"),
                argumentSet("exists with a list", "env exists (a)", "'env exists (a)': a value list needs 'in' or 'notin'"),
                argumentSet("empty list", "env in ()", "'env in ()': operator in takes at least one value"),
                argumentSet("blank list", "env notin ( )", "'env notin ( )': operator notin takes at least one value"),
                argumentSet("equals sign inside a list", "env in (a=b)", "'env in (a=b)': 'a=b'" + BAD_VALUE),
                argumentSet("equals a list", "env = (a)", "'env = (a)': '(a)'" + BAD_VALUE),
                argumentSet("missing key", "=web", "'=web': must not be empty"),
                argumentSet("bare bang", "!", "'!': must not be empty"),
                argumentSet("not equals without key", "!=web", "'!=web': must not be empty"),
                argumentSet("key starts with dash", "-app=web", "'-app=web': '-app'" + BAD_KEY),
                argumentSet("key ends with dash", "app-=web", "'app-=web': 'app-'" + BAD_KEY),
                argumentSet("key with blank", "my app=web", "'my app=web': 'my app'" + BAD_KEY),
                argumentSet("negated key with value", "!app=web", "'!app=web': '!app'" + BAD_KEY),
                argumentSet("64-character key", "k".repeat(64) + "=v", "'" + "k".repeat(64) + "=v': '" + "k".repeat(64) + "'" + BAD_KEY),
                argumentSet("upper-case prefix", "Example.com/app=web", "'Example.com/app=web': 'Example.com/app'" + BAD_PREFIX),
                argumentSet("empty prefix", "/app=web", "'/app=web': '/app'" + BAD_PREFIX),
                argumentSet("254-character prefix", "p".repeat(254) + "/app", "'" + "p".repeat(254) + "/app': '" + "p".repeat(254) + "/app'" + BAD_PREFIX),
                argumentSet("two slashes", "a/b/c=x", "'a/b/c=x': 'a/b/c'" + BAD_KEY),
                argumentSet("value with blank", "app=we b", "'app=we b': 'we b'" + BAD_VALUE),
                argumentSet("value starts with dash", "app=-web", "'app=-web': '-web'" + BAD_VALUE),
                argumentSet("value with equals", "app=web=x", "'app=web=x': 'web=x'" + BAD_VALUE),
                argumentSet("not equals a bang value", "app!=!x", "'app!=!x': '!x'" + BAD_VALUE),
                argumentSet("64-character value", "app=" + "v".repeat(64), "'app=" + "v".repeat(64) + "': '" + "v".repeat(64) + "'" + BAD_VALUE),
                argumentSet("65 values", sixtyFiveValues, "'" + sixtyFiveValues + "': at most 64 values"),
                argumentSet("33 criteria", thirtyThree, "at most 32 criteria"),
                argumentSet("too long", "a".repeat(SelectorParser.MAX_LENGTH + 1), "must be at most 8192 characters"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNamingTheField(String text, String reason) {
        assertThatThrownBy(() -> SelectorParser.parse("selector", text))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("selector");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    @Test
    void valuesOfAListKeepTheirOrder() {
        Criterion c = SelectorParser.parse("s", "env in (stage, prod)").criteria().getFirst();
        assertThat(c.key()).isEqualTo("env");
        assertThat(c.values()).containsExactly("stage", "prod");
    }
}
