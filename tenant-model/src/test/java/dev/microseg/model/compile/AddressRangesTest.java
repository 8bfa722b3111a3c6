package dev.microseg.model.compile;

import dev.microseg.model.net.AddressRange;
import dev.microseg.model.net.AddressRanges;
import dev.microseg.model.net.IpAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** {@link AddressRanges#merge}, by table and against the reference compiler's BigInteger merge. */
class AddressRangesTest {

    private static AddressRange range(String text) {
        String[] p = text.split("-");
        return new AddressRange(IpAddresses.parse("ip", p[0]), IpAddresses.parse("ip", p.length > 1 ? p[1] : p[0]));
    }

    static Stream<Arguments> merges() {
        return Stream.of(
                argumentSet("nothing", "", ""),
                argumentSet("one host", "10.0.0.1", "10.0.0.1"),
                argumentSet("duplicates", "10.0.0.1 10.0.0.1", "10.0.0.1"),
                argumentSet("adjacent hosts", "10.0.0.2 10.0.0.1 10.0.0.3", "10.0.0.1-10.0.0.3"),
                argumentSet("gap kept", "10.0.0.1 10.0.0.3", "10.0.0.1 10.0.0.3"),
                argumentSet("overlap", "10.0.0.1-10.0.0.9 10.0.0.5-10.0.0.20", "10.0.0.1-10.0.0.20"),
                argumentSet("contained", "10.0.0.0-10.0.0.255 10.0.0.7", "10.0.0.0-10.0.0.255"),
                argumentSet("touching ranges", "10.0.0.0-10.0.0.255 10.0.1.0-10.0.1.255", "10.0.0.0-10.0.1.255"),
                argumentSet("octet carry", "10.0.0.255 10.0.1.0", "10.0.0.255-10.0.1.0"),
                argumentSet("top of IPv4", "255.255.255.255 255.255.255.254 0.0.0.0", "0.0.0.0 255.255.255.254-255.255.255.255"),
                argumentSet("families never merge, IPv4 first", "::1 0.0.0.1 0.0.0.0 ::0", "0.0.0.0-0.0.0.1 ::-::1"),
                argumentSet("IPv6 adjacent", "fd00::1 fd00::2 fd00::4", "fd00::1-fd00::2 fd00::4"),
                argumentSet("IPv6 carry across the 64-bit words", "::ffff:ffff:ffff:ffff ::1:0:0:0:0", "::ffff:ffff:ffff:ffff-::1:0:0:0:0"),
                argumentSet("top of IPv6", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                        "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    @ParameterizedTest
    @MethodSource("merges")
    void merges(String input, String expected) {
        List<AddressRange> in = input.isBlank() ? List.of() : Arrays.stream(input.split(" ")).map(AddressRangesTest::range).toList();
        List<String> out = AddressRanges.merge(in).stream().map(AddressRange::toString).toList();
        List<String> want = expected.isBlank() ? List.of() : Arrays.stream(expected.split(" ")).map(Fixtures::expand).toList();
        assertThat(out).containsExactlyElementsOf(want);
        assertThat(ReferenceCompiler.merge(in).stream().map(AddressRange::toString).toList()).containsExactlyElementsOf(want);
    }

    /** {@code IpAddresses.parse} turns ::ffff:a.b.c.d into IPv4, but such IPv6 values can still arise as range bounds. */
    @Test
    void ipv4MappedBoundsStayIpv6() throws Exception {
        byte[] a = new byte[16];
        a[10] = (byte) 0xff;
        a[11] = (byte) 0xff;
        byte[] b = a.clone();
        b[15] = 1;
        AddressRange first = AddressRange.of(Inet6Address.getByAddress(null, a, -1));
        AddressRange second = AddressRange.of(Inet6Address.getByAddress(null, b, -1));
        List<AddressRange> out = AddressRanges.merge(List.of(second, first));
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().first()).isInstanceOf(Inet6Address.class);
        assertThat(out.getFirst().last()).isInstanceOf(Inet6Address.class).isEqualTo(second.last());
    }

    @Test
    void agreesWithTheReferenceOnRandomSets() {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            List<AddressRange> in = new ArrayList<>();
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                int a = random.nextInt(64);
                int b = a + random.nextInt(6);
                in.add(random.nextBoolean() ? range("10.0.0." + a + "-10.0.0." + b)
                        : range("fd00::" + Integer.toHexString(a) + "-fd00::" + Integer.toHexString(b)));
            }
            List<AddressRange> merged = AddressRanges.merge(in);
            assertThat(merged).isEqualTo(ReferenceCompiler.merge(in));
            assertThat(merged).isSorted();
            for (AddressRange r : in) {
                assertThat(merged.stream().anyMatch(m -> m.contains(r.first()) && m.contains(r.last()))).isTrue();
            }
        }
    }
}
