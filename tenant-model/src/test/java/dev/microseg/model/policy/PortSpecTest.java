package dev.microseg.model.policy;

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

class PortSpecTest {

    static Stream<Arguments> valid() {
        String sixtyFour = IntStream.rangeClosed(1, 64).mapToObj(i -> "tcp/" + (i * 2)).collect(Collectors.joining(","));
        return Stream.of(
                argumentSet("any", "any", "any"),
                argumentSet("ANY upper case", "ANY", "any"),
                argumentSet("single tcp port", "tcp/80", "tcp/80"),
                argumentSet("tcp range", "tcp/8000-8080", "tcp/8000-8080"),
                argumentSet("udp port", "udp/53", "udp/53"),
                argumentSet("icmp", "icmp", "icmp"),
                argumentSet("icmpv6", "icmpv6", "icmpv6"),
                argumentSet("ICMPv6 mixed case", "ICMPv6", "icmpv6"),
                argumentSet("every tcp port", "tcp", "tcp"),
                argumentSet("tcp/any is every tcp port", "tcp/any", "tcp"),
                argumentSet("icmp/any is icmp", "icmp/any", "icmp"),
                argumentSet("lowest port", "tcp/1", "tcp/1"),
                argumentSet("highest port", "udp/65535", "udp/65535"),
                argumentSet("full explicit range stays explicit", "tcp/1-65535", "tcp/1-65535"),
                argumentSet("one-port range prints as a port", "tcp/80-80", "tcp/80"),
                argumentSet("bare port is tcp and udp", "80", "tcp/80,udp/80"),
                argumentSet("bare range is tcp and udp", "8000-8080", "tcp/8000-8080,udp/8000-8080"),
                argumentSet("comma list", "tcp/80,udp/53", "tcp/80,udp/53"),
                argumentSet("whitespace and case", "  TCP / 80 ,\tUdp/53  ", "tcp/80,udp/53"),
                argumentSet("whitespace inside a range", "tcp/ 8000 - 8080", "tcp/8000-8080"),
                argumentSet("whitespace in a bare range", "8000 - 8080", "tcp/8000-8080,udp/8000-8080"),
                argumentSet("sorted by protocol then port", "udp/53,tcp/443,icmpv6,tcp/80,icmp", "icmp,tcp/80,tcp/443,udp/53,icmpv6"),
                argumentSet("adjacent ports merge", "tcp/80,tcp/81", "tcp/80-81"),
                argumentSet("overlapping ranges merge", "tcp/80-90,tcp/85-100", "tcp/80-100"),
                argumentSet("contained range merges", "tcp/1-1000,tcp/80", "tcp/1-1000"),
                argumentSet("duplicates collapse", "tcp/80,tcp/80,TCP/80", "tcp/80"),
                argumentSet("gaps stay apart", "tcp/82,tcp/80", "tcp/80,tcp/82"),
                argumentSet("unsorted ranges sort", "tcp/100-200,tcp/1-10", "tcp/1-10,tcp/100-200"),
                argumentSet("every port absorbs ports", "tcp/80,tcp,tcp/9000", "tcp"),
                argumentSet("any absorbs everything", "tcp/80,any,udp/53", "any"),
                argumentSet("other protocols do not merge", "tcp/80,udp/81", "tcp/80,udp/81"),
                argumentSet("duplicate icmp collapses", "icmp,ICMP", "icmp"),
                argumentSet("bare port merges with explicit", "80,tcp/81", "tcp/80-81,udp/80"),
                argumentSet("64 items is the bound", sixtyFour, sixtyFour));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesToCanonicalText(String text, String canonical) {
        PortSpec spec = PortSpec.parse("ports", text);
        assertThat(spec.toString()).isEqualTo(canonical);
        PortSpec again = PortSpec.parse("ports", spec.toString());
        assertThat(again).isEqualTo(spec);
        assertThat(again.toString()).isEqualTo(canonical);
    }

    static Stream<Arguments> invalid() {
        String sixtyFive = IntStream.rangeClosed(1, 65).mapToObj(i -> "tcp/" + i).collect(Collectors.joining(","));
        String tooLong = "tcp/80" + " ".repeat(PortSpec.MAX_LENGTH);
        return Stream.of(
                argumentSet("null", null, "must not be empty; use 'any' for every port"),
                argumentSet("empty", "", "must not be empty; use 'any' for every port"),
                argumentSet("blank", "  \t", "must not be empty; use 'any' for every port"),
                argumentSet("empty item in the middle", "tcp/80,,udp/53", "has an empty item (two commas, or a trailing comma)"),
                argumentSet("trailing comma", "tcp/80,", "has an empty item (two commas, or a trailing comma)"),
                argumentSet("leading comma", ",tcp/80", "has an empty item (two commas, or a trailing comma)"),
                argumentSet("blank item", "tcp/80, ,udp/53", "has an empty item (two commas, or a trailing comma)"),
                argumentSet("unknown protocol with port", "http/80", "'http/80': unknown protocol 'http' (expected any, tcp, udp, icmp or icmpv6)"),
                argumentSet("unknown protocol", "sctp", "'sctp': unknown protocol 'sctp' (expected any, tcp, udp, icmp or icmpv6)"),
                argumentSet("negative bare port", "-80", "'-80': unknown protocol '-80' (expected any, tcp, udp, icmp or icmpv6)"),
                argumentSet("missing protocol", "/80", "'/80': unknown protocol '' (expected any, tcp, udp, icmp or icmpv6)"),
                argumentSet("port 0", "tcp/0", "'tcp/0': port 0 is outside 1-65535"),
                argumentSet("bare port 0", "0", "'0': port 0 is outside 1-65535"),
                argumentSet("range from 0", "udp/0-10", "'udp/0-10': port 0 is outside 1-65535"),
                argumentSet("port 65536", "tcp/65536", "'tcp/65536': port 65536 is outside 1-65535"),
                argumentSet("bare port 65536", "65536", "'65536': port 65536 is outside 1-65535"),
                argumentSet("range end 65536", "tcp/80-65536", "'tcp/80-65536': port 65536 is outside 1-65535"),
                argumentSet("six digits", "tcp/123456", "'tcp/123456': '123456' is not a port number"),
                argumentSet("reversed range", "tcp/8080-8000", "'tcp/8080-8000': range start 8080 is after its end 8000"),
                argumentSet("reversed bare range", "90-80", "'90-80': range start 90 is after its end 80"),
                argumentSet("icmp with port", "icmp/8", "'icmp/8': icmp has no ports"),
                argumentSet("icmpv6 with port", "icmpv6/128", "'icmpv6/128': icmpv6 has no ports"),
                argumentSet("any with port", "any/80", "'any/80': any has no ports"),
                argumentSet("slash without port", "tcp/", "'tcp/': '' is not a port number"),
                argumentSet("open range end", "tcp/80-", "'tcp/80-': '' is not a port number"),
                argumentSet("open range start", "tcp/-80", "'tcp/-80': '' is not a port number"),
                argumentSet("letters", "tcp/http", "'tcp/http': 'http' is not a port number"),
                argumentSet("plus sign", "tcp/+80", "'tcp/+80': '+80' is not a port number"),
                argumentSet("two dashes", "tcp/80-90-100", "'tcp/80-90-100': '90-100' is not a port number"),
                argumentSet("two slashes", "tcp/80/90", "'tcp/80/90': '80/90' is not a port number"),
                argumentSet("too many items", sixtyFive, "has 65 items; at most 64 are allowed"),
                argumentSet("too long", tooLong, "must be at most 2048 characters"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNamingTheField(String text, String reason) {
        assertThatThrownBy(() -> PortSpec.parse("ports", text))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("ports");
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).isEqualTo("ports: " + reason);
                });
    }

    static Stream<Arguments> matching() {
        return Stream.of(
                argumentSet("any matches tcp", "any", Protocol.TCP, 1, true),
                argumentSet("any matches icmpv6", "any", Protocol.ICMPV6, 0, true),
                argumentSet("port inside range", "tcp/8000-8080", Protocol.TCP, 8000, true),
                argumentSet("range end inclusive", "tcp/8000-8080", Protocol.TCP, 8080, true),
                argumentSet("port past range", "tcp/8000-8080", Protocol.TCP, 8081, false),
                argumentSet("other protocol", "tcp/80", Protocol.UDP, 80, false),
                argumentSet("bare port udp", "53", Protocol.UDP, 53, true),
                argumentSet("icmp ignores port", "icmp", Protocol.ICMP, 0, true),
                argumentSet("icmp is not icmpv6", "icmp", Protocol.ICMPV6, 0, false),
                argumentSet("second item", "tcp/80,udp/53", Protocol.UDP, 53, true),
                argumentSet("every tcp port", "tcp", Protocol.TCP, 65535, true));
    }

    @ParameterizedTest
    @MethodSource("matching")
    void matches(String spec, Protocol proto, int port, boolean expected) {
        assertThat(PortSpec.parse("ports", spec).matches(proto, port)).isEqualTo(expected);
    }

    @Test
    void constructorNormalisesSoEqualSpecsAreEqual() {
        PortSpec built = new PortSpec(List.of(new PortRange(Protocol.UDP, 53, 53), new PortRange(Protocol.TCP, 81, 81),
                new PortRange(Protocol.TCP, 80, 80)));
        assertThat(built).isEqualTo(PortSpec.parse("ports", "tcp/80-81,udp/53"));
        assertThat(built.ranges()).containsExactly(new PortRange(Protocol.TCP, 80, 81), new PortRange(Protocol.UDP, 53, 53));
        assertThat(new PortSpec(List.of(new PortRange(Protocol.TCP, 80, 80), PortRange.all(Protocol.ANY)))).isEqualTo(PortSpec.ANY);
    }

    @Test
    void constructorRejectsNoRanges() {
        assertThatThrownBy(() -> new PortSpec(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a port spec needs at least one range");
        assertThatThrownBy(() -> new PortSpec(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangesAreImmutable() {
        PortSpec spec = PortSpec.parse("ports", "tcp/80");
        assertThatThrownBy(() -> spec.ranges().add(PortRange.all(Protocol.UDP))).isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> badRanges() {
        return Stream.of(
                argumentSet("icmp with a port", Protocol.ICMP, 8, 8, "icmp has no ports"),
                argumentSet("any with a port", Protocol.ANY, 80, 80, "any has no ports"),
                argumentSet("negative port", Protocol.TCP, -1, 80, "bad port range -1-80"),
                argumentSet("above 65535", Protocol.UDP, 1, 65536, "bad port range 1-65536"),
                argumentSet("reversed", Protocol.TCP, 90, 80, "bad port range 90-80"));
    }

    @ParameterizedTest
    @MethodSource("badRanges")
    void portRangeRejects(Protocol proto, int first, int last, String message) {
        assertThatThrownBy(() -> new PortRange(proto, first, last)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void protocolNumbersAreIana() {
        assertThat(Protocol.values()).extracting(Protocol::number).containsExactly(0, 1, 6, 17, 58);
        for (Protocol p : Protocol.values()) {
            assertThat(Protocol.fromNumber(p.number())).isSameAs(p);
            assertThat(Protocol.fromToken(p.token().toUpperCase())).isSameAs(p);
        }
        assertThat(Protocol.fromNumber(132)).isNull();
        assertThat(Protocol.fromToken("sctp")).isNull();
    }
}
