package dev.microseg.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class NamesTest {
    private static final String SHAPE = " may contain only letters, digits, '.', '_', ':' and '-', and must start and end with a letter or digit";

    static Stream<Arguments> valid() {
        return Stream.of(
                argumentSet("one letter", "a"),
                argumentSet("one digit", "7"),
                argumentSet("dash", "web-1"),
                argumentSet("dot", "db.prod"),
                argumentSet("colon", "ns:web"),
                argumentSet("underscore and case", "A_b"),
                argumentSet("253 characters", "n".repeat(253)));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void acceptsNames(String name) {
        assertThat(Names.requireName("name", name)).isSameAs(name);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                argumentSet("null", null, "must not be empty"),
                argumentSet("empty", "", "must not be empty"),
                argumentSet("blank", "  ", "must not be empty"),
                argumentSet("254 characters", "n".repeat(254), "must be at most 253 characters"),
                argumentSet("starts with dash", "-web", "'-web'" + SHAPE),
                argumentSet("ends with dash", "web-", "'web-'" + SHAPE),
                argumentSet("starts with dot", ".web", "'.web'" + SHAPE),
                argumentSet("inner blank", "we b", "'we b'" + SHAPE),
                argumentSet("leading blank", " web", "' web'" + SHAPE),
                argumentSet("slash", "web/1", "'web/1'" + SHAPE),
                argumentSet("non-ASCII letter", "wéb", "'wéb'" + SHAPE));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNames(String name, String reason) {
        assertThatThrownBy(() -> Names.requireName("name", name)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("name");
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    @Test
    void comments() {
        assertThat(Names.comment("comment", null)).isEmpty();
        assertThat(Names.comment("comment", "c".repeat(1024))).hasSize(1024);
        assertThatThrownBy(() -> Names.comment("comment", "c".repeat(1025))).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("comment");
            assertThat(e.reason()).isEqualTo("must be at most 1024 characters");
        });
    }

    static Stream<Arguments> nesting() {
        return Stream.of(
                argumentSet("field under an index", "criteria[2]", "key", "criteria[2].key"),
                argumentSet("index under a field", "cidrs", "[0]", "cidrs[0]"),
                argumentSet("field under a field", "rule", "ports", "rule.ports"));
    }

    @ParameterizedTest
    @MethodSource("nesting")
    void nestsFieldNames(String parent, String field, String nested) {
        InvalidFieldException e = new InvalidFieldException(field, "bad").under(parent);
        assertThat(e.field()).isEqualTo(nested);
        assertThat(e.reason()).isEqualTo("bad");
        assertThat(e.getMessage()).isEqualTo(nested + ": bad");
    }
}
