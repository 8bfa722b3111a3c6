package dev.microseg.model.net;

import dev.microseg.model.InvalidFieldException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class IpAddressesTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                argumentSet("ipv4", "10.1.2.3", "10.1.2.3", 32),
                argumentSet("ipv4 zeros", "0.0.0.0", "0.0.0.0", 32),
                argumentSet("ipv4 broadcast", "255.255.255.255", "255.255.255.255", 32),
                argumentSet("ipv4 surrounding blanks", " 192.168.0.1 ", "192.168.0.1", 32),
                argumentSet("ipv6 loopback", "::1", "0:0:0:0:0:0:0:1", 128),
                argumentSet("ipv6 full", "2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1", 128),
                argumentSet("ipv6 upper case", "2001:DB8::A", "2001:db8:0:0:0:0:0:a", 128),
                argumentSet("ipv4-compatible ipv6 stays ipv6", "::1.2.3.4", "0:0:0:0:0:0:102:304", 128),
                argumentSet("ipv4-mapped ipv6 is the ipv4 host", "::ffff:10.0.0.1", "10.0.0.1", 32));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(String literal, String formatted, int bits) {
        InetAddress a = IpAddresses.parse("ip", literal);
        assertThat(IpAddresses.format(a)).isEqualTo(formatted);
        assertThat(IpAddresses.bits(a)).isEqualTo(bits);
        assertThat(a).isInstanceOf(bits == 32 ? Inet4Address.class : Inet6Address.class);
        assertThat(IpAddresses.fromBigInteger(IpAddresses.toBigInteger(a), bits == 128)).isEqualTo(a);
    }

    static Stream<Arguments> invalid() {
        String notIp = " is not an IPv4 or IPv6 address (IPv4 as a.b.c.d, no leading zeros)";
        return Stream.of(
                argumentSet("null", null, "must be an IP address"),
                argumentSet("blank", " ", "must be an IP address"),
                argumentSet("host name", "localhost", "'localhost'" + notIp),
                argumentSet("one-part ipv4 short form", "10", "'10'" + notIp),
                argumentSet("two-part ipv4 short form", "10.1", "'10.1'" + notIp),
                argumentSet("three-part ipv4 short form", "10.1.2", "'10.1.2'" + notIp),
                argumentSet("32-bit integer", "4294967295", "'4294967295'" + notIp),
                argumentSet("leading zero read as octal elsewhere", "010.0.0.1", "'010.0.0.1'" + notIp),
                argumentSet("hex octet", "0x10.0.0.1", "'0x10.0.0.1'" + notIp),
                argumentSet("octet above 255", "1.2.3.256", "'1.2.3.256'" + notIp),
                argumentSet("five parts", "1.2.3.4.5", "'1.2.3.4.5'" + notIp),
                argumentSet("trailing dot", "1.2.3.4.", "'1.2.3.4.'" + notIp),
                argumentSet("bracketed ipv6", "[::1]", "'[::1]' has brackets; write the IPv6 address without them"),
                argumentSet("zone id", "fe80::1%eth0", "'fe80::1%eth0' has a zone id; zone ids are not supported"),
                argumentSet("bad ipv6", "2001:db8::g", "'2001:db8::g' is not an IPv4 or IPv6 address"),
                argumentSet("two double colons", "1::2::3", "'1::2::3' is not an IPv4 or IPv6 address"),
                argumentSet("cidr is not an address", "10.0.0.0/8", "'10.0.0.0/8'" + notIp));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(String literal, String reason) {
        assertThatThrownBy(() -> IpAddresses.parse("ip", literal))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("ip");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                argumentSet("negative", BigInteger.valueOf(-1), false),
                argumentSet("2^32 as ipv4", BigInteger.ONE.shiftLeft(32), false),
                argumentSet("2^128 as ipv6", BigInteger.ONE.shiftLeft(128), true));
    }

    @ParameterizedTest
    @MethodSource("outOfRange")
    void fromBigIntegerRejectsOutOfRange(BigInteger value, boolean ipv6) {
        assertThatThrownBy(() -> IpAddresses.fromBigInteger(value, ipv6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value out of range");
    }
}
