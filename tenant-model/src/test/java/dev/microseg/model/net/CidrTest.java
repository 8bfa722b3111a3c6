package dev.microseg.model.net;

import dev.microseg.model.InvalidFieldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class CidrTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                argumentSet("ipv4 /8", "10.0.0.0/8", "10.0.0.0/8", "10.0.0.0", "10.255.255.255", true),
                argumentSet("ipv4 /24", "192.168.1.0/24", "192.168.1.0/24", "192.168.1.0", "192.168.1.255", true),
                argumentSet("ipv4 /31", "10.0.0.2/31", "10.0.0.2/31", "10.0.0.2", "10.0.0.3", true),
                argumentSet("ipv4 /32", "10.0.0.7/32", "10.0.0.7/32", "10.0.0.7", "10.0.0.7", true),
                argumentSet("ipv4 everything", "0.0.0.0/0", "0.0.0.0/0", "0.0.0.0", "255.255.255.255", true),
                argumentSet("bare ipv4 is a host", "10.1.2.3", "10.1.2.3/32", "10.1.2.3", "10.1.2.3", true),
                argumentSet("blanks around", " 10.0.0.0/8 ", "10.0.0.0/8", "10.0.0.0", "10.255.255.255", true),
                argumentSet("blanks around the slash", "10.0.0.0 / 8", "10.0.0.0/8", "10.0.0.0", "10.255.255.255", true),
                argumentSet("ipv6 /32", "2001:db8::/32", "2001:db8:0:0:0:0:0:0/32", "2001:db8:0:0:0:0:0:0",
                        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", false),
                argumentSet("ipv6 /64", "fd00:1:2:3::/64", "fd00:1:2:3:0:0:0:0/64", "fd00:1:2:3:0:0:0:0",
                        "fd00:1:2:3:ffff:ffff:ffff:ffff", false),
                argumentSet("ipv6 /127", "2001:db8::/127", "2001:db8:0:0:0:0:0:0/127", "2001:db8:0:0:0:0:0:0",
                        "2001:db8:0:0:0:0:0:1", false),
                argumentSet("ipv6 everything", "::/0", "0:0:0:0:0:0:0:0/0", "0:0:0:0:0:0:0:0",
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
                argumentSet("bare ipv6 is a host", "2001:db8::5", "2001:db8:0:0:0:0:0:5/128", "2001:db8:0:0:0:0:0:5",
                        "2001:db8:0:0:0:0:0:5", false));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(String text, String canonical, String first, String last, boolean ipv4) {
        Cidr c = Cidr.parse("cidrs[0]", text);
        assertThat(c.toString()).isEqualTo(canonical);
        assertThat(c.isIpv4()).isEqualTo(ipv4);
        assertThat(IpAddresses.format(c.network())).isEqualTo(first);
        assertThat(IpAddresses.format(c.last())).isEqualTo(last);
        assertThat(c.toRange().toString()).isEqualTo(first.equals(last) ? first : first + "-" + last);
        assertThat(Cidr.parse("x", c.toString())).isEqualTo(c);
        assertThat(c.contains(c.network())).isTrue();
        assertThat(c.contains(c.last())).isTrue();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                argumentSet("null", null, "must be a CIDR such as 10.0.0.0/8"),
                argumentSet("empty", "", "must be a CIDR such as 10.0.0.0/8"),
                argumentSet("host bits set ipv4", "10.0.0.1/8", "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?"),
                argumentSet("host bits set /24", "192.168.1.77/24", "'192.168.1.77/24' has host bits set; did you mean 192.168.1.0/24?"),
                argumentSet("host bits set ipv6", "2001:db8::1/64",
                        "'2001:db8::1/64' has host bits set; did you mean 2001:db8:0:0:0:0:0:0/64?"),
                argumentSet("ipv4 prefix 33", "10.0.0.0/33", "'10.0.0.0/33': prefix length must be at most 32"),
                argumentSet("ipv6 prefix 129", "::/129", "'::/129': prefix length must be at most 128"),
                argumentSet("empty prefix", "10.0.0.0/", "'10.0.0.0/' has a bad prefix length"),
                argumentSet("negative prefix", "10.0.0.0/-1", "'10.0.0.0/-1' has a bad prefix length"),
                argumentSet("letters in prefix", "10.0.0.0/eight", "'10.0.0.0/eight' has a bad prefix length"),
                argumentSet("four-digit prefix", "10.0.0.0/0008", "'10.0.0.0/0008' has a bad prefix length"),
                argumentSet("netmask instead of prefix", "10.0.0.0/255.0.0.0", "'10.0.0.0/255.0.0.0' has a bad prefix length"),
                argumentSet("two slashes", "10.0.0.0/8/9", "'10.0.0.0/8/9' has a bad prefix length"),
                argumentSet("bad address", "10.0.0/8", "'10.0.0' is not an IPv4 or IPv6 address (IPv4 as a.b.c.d, no leading zeros)"),
                argumentSet("host name", "db.local/32", "'db.local' is not an IPv4 or IPv6 address (IPv4 as a.b.c.d, no leading zeros)"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(String text, String reason) {
        assertThatThrownBy(() -> Cidr.parse("cidrs[0]", text))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("cidrs[0]");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    @Test
    void constructorRejectsHostBitsAndBadPrefix() {
        InetAddress host = IpAddresses.parse("ip", "10.0.0.1");
        assertThatThrownBy(() -> new Cidr(host, 8)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo("network");
            assertThat(e.reason()).isEqualTo("10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?");
        });
        assertThatThrownBy(() -> new Cidr(host, 33)).isInstanceOfSatisfying(InvalidFieldException.class,
                e -> assertThat(e.reason()).isEqualTo("must be between 0 and 32"));
        assertThatThrownBy(() -> new Cidr(host, -1)).isInstanceOf(InvalidFieldException.class);
        assertThat(new Cidr(host, 32).toRange()).isEqualTo(AddressRange.of(host));
    }

    static Stream<Arguments> containment() {
        return Stream.of(
                argumentSet("inside", "10.0.0.0/8", "10.200.1.1", true),
                argumentSet("just after", "10.0.0.0/8", "11.0.0.0", false),
                argumentSet("just before", "10.0.0.0/8", "9.255.255.255", false),
                argumentSet("other family", "0.0.0.0/0", "::1", false),
                argumentSet("ipv6 inside", "2001:db8::/32", "2001:db8:ffff::1", true),
                argumentSet("ipv6 outside", "2001:db8::/32", "2001:db9::", false),
                argumentSet("ipv6 everything holds no ipv4", "::/0", "10.0.0.1", false));
    }

    @ParameterizedTest
    @MethodSource("containment")
    void contains(String cidr, String address, boolean expected) {
        Cidr c = Cidr.parse("c", cidr);
        InetAddress a = IpAddresses.parse("a", address);
        assertThat(c.contains(a)).isEqualTo(expected);
        assertThat(c.toRange().contains(a)).isEqualTo(expected);
    }
}
