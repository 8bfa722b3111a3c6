package dev.microseg.model.group;

import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.net.Cidr;
import dev.microseg.model.net.IpAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class MembershipTest {

    static Stream<Arguments> selectorMatching() {
        return Stream.of(
                argumentSet("empty selector matches nothing", "", Map.of("app", "web"), false),
                argumentSet("empty selector matches nothing, even no labels", "", Map.of(), false),
                argumentSet("all criteria hold", "app=web, env in (prod)", Map.of("app", "web", "env", "prod"), true),
                argumentSet("one criterion fails", "app=web, env in (prod)", Map.of("app", "web", "env", "dev"), false),
                argumentSet("negations only, no labels", "!legacy, app!=db", Map.of(), true));
    }

    @ParameterizedTest
    @MethodSource("selectorMatching")
    void selectorIsAnAnd(String selector, Map<String, String> labels, boolean expected) {
        assertThat(SelectorParser.parse("s", selector).matches(labels)).isEqualTo(expected);
    }

    @Test
    void selectorBoundsCriteria() {
        List<Criterion> thirtyThree = IntStream.range(0, 33).mapToObj(i -> new Criterion("k" + i, Criterion.Op.EXISTS, List.of())).toList();
        assertThatThrownBy(() -> new Membership.Selector(thirtyThree)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("criteria");
            assertThat(e.reason()).isEqualTo("at most 32 criteria");
        });
        assertThat(new Membership.Selector(null).criteria()).isEmpty();
    }

    static Stream<Arguments> badAddresses() {
        List<Cidr> tooMany = IntStream.range(0, 1025).mapToObj(i -> Cidr.parse("c", "10.0." + (i / 256) + "." + (i % 256))).toList();
        return Stream.of(
                argumentSet("empty", List.of(), "an address group needs at least one CIDR"),
                argumentSet("null", null, "an address group needs at least one CIDR"),
                argumentSet("1025 CIDRs", tooMany, "at most 1024 CIDRs"));
    }

    @ParameterizedTest
    @MethodSource("badAddresses")
    void addressesAreBounded(List<Cidr> cidrs, String reason) {
        assertThatThrownBy(() -> new Membership.Addresses(cidrs)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("cidrs");
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    static Stream<Arguments> addressContainment() {
        return Stream.of(
                argumentSet("in the first CIDR", "10.1.2.3", true),
                argumentSet("in the second CIDR", "2001:db8::9", true),
                argumentSet("in neither", "192.168.0.1", false));
    }

    @ParameterizedTest
    @MethodSource("addressContainment")
    void addressesContain(String address, boolean expected) {
        Membership.Addresses a = new Membership.Addresses(List.of(Cidr.parse("c", "10.0.0.0/8"), Cidr.parse("c", "2001:db8::/32")));
        assertThat(a.contains(IpAddresses.parse("a", address))).isEqualTo(expected);
    }

    @Test
    void groupKnowsItsKindAndValidates() {
        Group selector = new Group("web", PolicyMode.MONITOR, SelectorParser.parse("s", "app=web"), null);
        Group addresses = new Group("internet", PolicyMode.PROTECT,
                new Membership.Addresses(List.of(Cidr.parse("c", "0.0.0.0/0"))), "outside");
        assertThat(selector.isAddressGroup()).isFalse();
        assertThat(selector.comment()).isEmpty();
        assertThat(addresses.isAddressGroup()).isTrue();
        assertThatThrownBy(() -> new Group("bad name", PolicyMode.MONITOR, selector.membership(), null))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("name"));
        assertThatThrownBy(() -> new Group("web", null, selector.membership(), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Group("web", PolicyMode.MONITOR, null, null)).isInstanceOf(NullPointerException.class);
    }
}
