package dev.microseg.model.group;

import dev.microseg.model.InvalidFieldException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class CriterionTest {

    static Stream<Arguments> matching() {
        Map<String, String> web = Map.of("app", "web", "env", "prod", "tier", "");
        Map<String, String> db = Map.of("app", "db", "env", "dev", "legacy", "yes");
        Map<String, String> none = Map.of();
        return Stream.of(
                argumentSet("= matches the value", "app=web", web, true),
                argumentSet("= other value", "app=web", db, false),
                argumentSet("= label absent", "app=web", none, false),
                argumentSet("= is case sensitive", "app=Web", web, false),
                argumentSet("= empty value matches empty label", "tier=", web, true),
                argumentSet("!= other value", "app!=web", db, true),
                argumentSet("!= same value", "app!=web", web, false),
                argumentSet("!= label absent matches", "app!=web", none, true),
                argumentSet("in listed", "env in (prod,stage)", web, true),
                argumentSet("in not listed", "env in (prod,stage)", db, false),
                argumentSet("in label absent", "env in (prod,stage)", none, false),
                argumentSet("notin not listed", "env notin (prod)", db, true),
                argumentSet("notin listed", "env notin (prod)", web, false),
                argumentSet("notin label absent matches", "env notin (prod)", none, true),
                argumentSet("exists", "legacy", db, true),
                argumentSet("exists with empty value", "tier", web, true),
                argumentSet("exists absent", "legacy", web, false),
                argumentSet("!exists absent", "!legacy", web, true),
                argumentSet("!exists present", "!legacy", db, false));
    }

    @ParameterizedTest
    @MethodSource("matching")
    void matches(String selector, Map<String, String> labels, boolean expected) {
        Criterion c = SelectorParser.parse("s", selector).criteria().getFirst();
        assertThat(c.matches(labels)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        List<String> sixtyFive = IntStream.rangeClosed(1, 65).mapToObj(i -> "v" + i).toList();
        return Stream.of(
                argumentSet("null key", null, Criterion.Op.EXISTS, List.of(), "key", "must not be empty"),
                argumentSet("empty key", "", Criterion.Op.EXISTS, List.of(), "key", "must not be empty"),
                argumentSet("= without value", "app", Criterion.Op.EQUALS, List.of(), "value", "operator = takes exactly one value"),
                argumentSet("= with two values", "app", Criterion.Op.EQUALS, List.of("a", "b"), "value", "operator = takes exactly one value"),
                argumentSet("!= without value", "app", Criterion.Op.NOT_EQUALS, null, "value", "operator != takes exactly one value"),
                argumentSet("in without values", "app", Criterion.Op.IN, List.of(), "value", "operator in takes at least one value"),
                argumentSet("notin without values", "app", Criterion.Op.NOT_IN, List.of(), "value", "operator notin takes at least one value"),
                argumentSet("in with 65 values", "app", Criterion.Op.IN, sixtyFive, "value", "at most 64 values"),
                argumentSet("exists with a value", "app", Criterion.Op.EXISTS, List.of("x"), "value", "operator exists takes no value"),
                argumentSet("!exists with a value", "app", Criterion.Op.NOT_EXISTS, List.of("x"), "value", "operator !exists takes no value"),
                argumentSet("bad value", "app", Criterion.Op.EQUALS, List.of("a b"), "value",
                        "'a b' is not a valid label value (at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric)"),
                argumentSet("null value", "app", Criterion.Op.IN, Collections.singletonList(null), "value", null));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(String key, Criterion.Op op, List<String> values, String field, String reason) {
        if (reason == null) {
            assertThatThrownBy(() -> new Criterion(key, op, values)).isInstanceOf(NullPointerException.class);
            return;
        }
        assertThatThrownBy(() -> new Criterion(key, op, values)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    static Stream<Arguments> operators() {
        return Stream.of(
                argumentSet("=", "=", Criterion.Op.EQUALS),
                argumentSet("==", "==", Criterion.Op.EQUALS),
                argumentSet("!=", "!=", Criterion.Op.NOT_EQUALS),
                argumentSet("in", "in", Criterion.Op.IN),
                argumentSet("IN", "IN", Criterion.Op.IN),
                argumentSet("notin", "notin", Criterion.Op.NOT_IN),
                argumentSet("NotIn", "NotIn", Criterion.Op.NOT_IN),
                argumentSet("exists", "exists", Criterion.Op.EXISTS),
                argumentSet("!exists", "!exists", Criterion.Op.NOT_EXISTS),
                argumentSet("blanks", " in ", Criterion.Op.IN));
    }

    @ParameterizedTest
    @MethodSource("operators")
    void parsesOperators(String text, Criterion.Op op) {
        assertThat(Criterion.Op.parse("op", text)).isSameAs(op);
    }

    static Stream<Arguments> badOperators() {
        return Stream.of(
                argumentSet("less than", "<", "unknown operator '<'; expected =, !=, in, notin, exists or !exists"),
                argumentSet("not in with blank", "not in", "unknown operator 'not in'; expected =, !=, in, notin, exists or !exists"),
                argumentSet("null", null, "unknown operator 'null'; expected =, !=, in, notin, exists or !exists"));
    }

    @ParameterizedTest
    @MethodSource("badOperators")
    void rejectsOperators(String text, String reason) {
        assertThatThrownBy(() -> Criterion.Op.parse("criteria[0].op", text)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("criteria[0].op");
            assertThat(e.reason()).isEqualTo(reason);
        });
    }
}
