package dev.microseg.dp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Literal IP and MAC parsing: canonical output (RFC 5952), and refusal of everything that is not a literal. */
class AddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "10.1.2.3, 10.1.2.3",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:DB8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "::ffff:192.0.2.1, ::ffff:c000:201",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "fe80::, fe80::",
    })
    void parsesAndFormatsCanonically(String in, String out) {
        IpAddress a = IpAddress.parseOrNull(in);
        assertThat(a).isNotNull();
        assertThat(a.toString()).isEqualTo(out);
        assertThat(IpAddress.parseOrNull(out)).isEqualTo(a);
        assertThat(a.toInetAddress().getAddress()).isEqualTo(a.toBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "a.b.c.d",
        ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "12345::", ":1::", "1:", "g::", "::1.2.3", "fe80::1%eth0",
        "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "localhost", "\uff11.1.1.1", "::\uff21"})
    void refusesNonLiterals(String s) {
        assertThat(IpAddress.parseOrNull(s)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:42:ac:11:00", "02:42:ac:11:00:02:03", "02-42-ac-11-00-02", "02:42:ac:11:00:0g", "0242ac110002",
        "02:42:ac:11:00: 2", "\uff10\uff12:42:ac:11:00:02"})
    void refusesBadMacs(String s) {
        assertThat(MacAddress.parseOrNull(s)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"02:42:AC:11:00:02, 02:42:ac:11:00:02", "ff:ff:ff:ff:ff:ff, ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00, 00:00:00:00:00:00"})
    void macRoundTrip(String in, String out) {
        MacAddress m = MacAddress.parseOrNull(in);
        assertThat(m).isNotNull();
        assertThat(m.toString()).isEqualTo(out);
        byte[] b = new byte[6];
        m.toBytes(b, 0);
        assertThat(MacAddress.fromBytes(b, 0)).isEqualTo(m);
    }
}
