package dev.microseg.model.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class AddressRangeTest {

    private static InetAddress ip(String s) {
        return IpAddresses.parse("ip", s);
    }

    private static AddressRange range(String first, String last) {
        return new AddressRange(ip(first), ip(last));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                argumentSet("mixed families", "10.0.0.1", "::1", "range mixes IPv4 and IPv6: /10.0.0.1 .. /0:0:0:0:0:0:0:1"),
                argumentSet("start after end", "10.0.0.2", "10.0.0.1", "range start after end: /10.0.0.2 .. /10.0.0.1"),
                argumentSet("ipv6 start after end", "::2", "::1", "range start after end: /0:0:0:0:0:0:0:2 .. /0:0:0:0:0:0:0:1"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(String first, String last, String message) {
        assertThatThrownBy(() -> range(first, last)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> new AddressRange(null, ip("10.0.0.1"))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new AddressRange(ip("10.0.0.1"), null)).isInstanceOf(NullPointerException.class);
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                argumentSet("single host", range("10.0.0.1", "10.0.0.1"), "10.0.0.1", false),
                argumentSet("ipv4 span", range("10.0.0.1", "10.0.0.9"), "10.0.0.1-10.0.0.9", false),
                argumentSet("ipv6 span", range("::1", "::ff"), "0:0:0:0:0:0:0:1-0:0:0:0:0:0:0:ff", true));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void printsAndKnowsItsFamily(AddressRange r, String text, boolean ipv6) {
        assertThat(r.toString()).isEqualTo(text);
        assertThat(r.isIpv6()).isEqualTo(ipv6);
    }

    static Stream<Arguments> containment() {
        return Stream.of(
                argumentSet("first", "10.0.0.1", true),
                argumentSet("last", "10.0.0.9", true),
                argumentSet("middle", "10.0.0.5", true),
                argumentSet("below", "10.0.0.0", false),
                argumentSet("above", "10.0.0.10", false),
                argumentSet("other family", "::a", false));
    }

    @ParameterizedTest
    @MethodSource("containment")
    void contains(String address, boolean expected) {
        assertThat(range("10.0.0.1", "10.0.0.9").contains(ip(address))).isEqualTo(expected);
    }

    @Test
    void ordersIpv4FirstThenByFirstThenByLast() {
        List<AddressRange> expected = List.of(range("9.0.0.0", "9.0.0.0"), range("10.0.0.1", "10.0.0.1"),
                range("10.0.0.1", "10.0.0.5"), range("200.0.0.0", "200.0.0.0"), range("::", "::"), range("::1", "::ff"),
                range("2001:db8::", "2001:db8::"));
        List<AddressRange> shuffled = new ArrayList<>(expected);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertThat(shuffled).containsExactlyElementsOf(expected);
        assertThat(range("10.0.0.1", "10.0.0.5")).isEqualByComparingTo(range("10.0.0.1", "10.0.0.5"));
    }
}
