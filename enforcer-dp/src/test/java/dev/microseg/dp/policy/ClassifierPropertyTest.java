package dev.microseg.dp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microseg.dp.packet.Addresses;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classifier against the linear {@link ReferenceClassifier} over many random rule sets and
 * random packets. Seeded: a failure message names the seed and case, which reproduce it.
 * Addresses come from small pools (a /20 of IPv4, a /116 of IPv6) so rules overlap and packets
 * hit them; rules mix /32 (/128) peers, CIDRs, arbitrary ranges, "any" and IPv4-any, duplicate
 * ids, all protocols, port ranges and apps.
 */
class ClassifierPropertyTest {
    static final int[] PROTOS = {0, 1, 6, 17, 58};
    static final int[] APPS = {1001, 1002, 1003, 1004};

    static Addr v4(Random r) {
        return new Addr(0, Addresses.v4Lo(0x0a000000 | r.nextInt(1 << 12)));
    }

    static Addr v6(Random r) {
        return new Addr(0xfd00_0000_0000_0000L, r.nextInt(1 << 12));
    }

    static Addr[] randomRange(Random r) {
        boolean six = r.nextInt(4) == 0;
        Addr a = six ? v6(r) : v4(r);
        return switch (r.nextInt(6)) {
            case 0 -> new Addr[] {a, a};
            case 1 -> {
                int len = 128 - r.nextInt(13);
                long mask = Prefixes.maskLo(len);
                yield new Addr[] {new Addr(a.hi(), a.lo() & mask), new Addr(a.hi(), a.lo() | ~mask)};
            }
            case 2 -> {
                Addr b = six ? v6(r) : v4(r);
                yield a.compareTo(b) <= 0 ? new Addr[] {a, b} : new Addr[] {b, a};
            }
            case 3 -> new Addr[] {Addr.MIN, Addr.MAX};
            case 4 -> new Addr[] {Addr.V4_MIN, Addr.V4_MAX};
            default -> new Addr[] {a, a};
        };
    }

    static ClassifierRule randomRule(Random r) {
        Addr[] s = randomRange(r);
        Addr[] d = randomRange(r);
        int portLo;
        int portHi;
        switch (r.nextInt(3)) {
            case 0 -> {
                portLo = 0;
                portHi = 65535;
            }
            case 1 -> {
                portLo = r.nextInt(64);
                portHi = portLo;
            }
            default -> {
                portLo = r.nextInt(64);
                portHi = portLo + r.nextInt(32);
            }
        }
        List<AppRule> apps = new ArrayList<>();
        if (r.nextInt(5) == 0) {
            for (int i = 1 + r.nextInt(2); i > 0; i--) {
                apps.add(new AppRule(5000 + r.nextInt(100), APPS[r.nextInt(APPS.length)], Action.values()[r.nextInt(4)]));
            }
        }
        return new ClassifierRule(1 + r.nextInt(400), s[0], s[1], d[0], d[1], portLo, portHi, PROTOS[r.nextInt(PROTOS.length)],
            Action.values()[r.nextInt(4)], r.nextBoolean(), apps);
    }

    @Test
    void agreesWithTheLinearScan() {
        long seed = 20261122L;
        Random r = new Random(seed);
        int lookups = 0;
        for (int set = 0; set < 300; set++) {
            int n = set < 20 ? set : 1 + r.nextInt(set < 250 ? 60 : 400);
            List<ClassifierRule> rules = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rules.add(randomRule(r));
            }
            Action def = Action.values()[r.nextInt(4)];
            PolicyDirection dir = PolicyDirection.values()[r.nextInt(3)];
            Classifier c = Classifier.compile(rules, def, dir, set);
            ReferenceClassifier ref = new ReferenceClassifier(rules, def, dir);
            for (int p = 0; p < 400; p++) {
                Addr s = r.nextInt(4) == 0 ? v6(r) : v4(r);
                Addr d = r.nextInt(4) == 0 ? v6(r) : v4(r);
                boolean ingress = r.nextBoolean();
                int proto = new int[] {1, 6, 17, 58, 132}[r.nextInt(5)];
                int port = r.nextInt(100);
                int app = r.nextInt(3) == 0 ? Classifier.APP_UNKNOWN : r.nextInt(1001, 1006);
                Decision want = ref.lookup(ingress, s.hi(), s.lo(), d.hi(), d.lo(), proto, port, app);
                Decision got = c.lookup(ingress, s.hi(), s.lo(), d.hi(), d.lo(), proto, port, app);
                assertThat(got).as("seed %d set %d packet %d: %s %s -> %s proto %d port %d app %d", seed, set, p,
                    ingress ? "in" : "out", s, d, proto, port, app).isEqualTo(want);
                lookups++;
            }
        }
        assertThat(lookups).isEqualTo(120_000);
    }

    /** Many rules on the same few address pairs: exercises the port-indexed cells. */
    @Test
    void agreesWhenManyRulesShareAnAddressPair() {
        long seed = 99L;
        Random r = new Random(seed);
        Addr[][] pool = {{Addr.MIN, Addr.MAX}, {Addr.V4_MIN, Addr.V4_MAX}, {Addr.of("10.0.0.7"), Addr.of("10.0.0.7")}};
        for (int set = 0; set < 100; set++) {
            List<ClassifierRule> rules = new ArrayList<>();
            for (int i = 20 + r.nextInt(300); i > 0; i--) {
                ClassifierRule base = randomRule(r);
                Addr[] s = pool[r.nextInt(pool.length)];
                Addr[] d = pool[r.nextInt(pool.length)];
                int lo = r.nextInt(100);
                int hi = r.nextInt(10) == 0 ? 65535 : lo + r.nextInt(20);
                rules.add(new ClassifierRule(base.id(), s[0], s[1], d[0], d[1], lo, hi, base.proto(), base.action(),
                    base.ingress(), base.apps()));
            }
            Classifier c = Classifier.compile(rules, Action.DENY, PolicyDirection.BOTH, set);
            ReferenceClassifier ref = new ReferenceClassifier(rules, Action.DENY, PolicyDirection.BOTH);
            for (int p = 0; p < 500; p++) {
                Addr s = r.nextBoolean() ? Addr.of("10.0.0.7") : r.nextBoolean() ? v4(r) : v6(r);
                Addr d = r.nextBoolean() ? Addr.of("10.0.0.7") : v4(r);
                boolean ingress = r.nextBoolean();
                int proto = new int[] {1, 6, 17, 58, 132}[r.nextInt(5)];
                int port = r.nextInt(130);
                int app = r.nextInt(3) == 0 ? Classifier.APP_UNKNOWN : r.nextInt(1001, 1006);
                assertThat(c.lookup(ingress, s.hi(), s.lo(), d.hi(), d.lo(), proto, port, app))
                    .as("seed %d set %d packet %d", seed, set, p)
                    .isEqualTo(ref.lookup(ingress, s.hi(), s.lo(), d.hi(), d.lo(), proto, port, app));
            }
        }
    }

    @Test
    void prefixCoverIsExactAndMinimal() {
        Random r = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            BigInteger lo = new BigInteger(128, r);
            BigInteger hi = i % 3 == 0 ? lo.add(BigInteger.valueOf(r.nextInt(1 << 20))) : new BigInteger(128, r);
            if (hi.bitLength() > 128) {
                hi = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
            }
            if (lo.compareTo(hi) > 0) {
                BigInteger t = lo;
                lo = hi;
                hi = t;
            }
            BigInteger[] next = {lo};
            int[] count = {0};
            BigInteger end = hi;
            Prefixes.cover(addr(lo), addr(hi), (h, l, len) -> {
                BigInteger start = big(h, l);
                assertThat(start).as("prefixes are contiguous and ascending").isEqualTo(next[0]);
                BigInteger size = BigInteger.ONE.shiftLeft(128 - len);
                assertThat(start.mod(size)).as("prefix is aligned").isEqualTo(BigInteger.ZERO);
                next[0] = start.add(size);
                count[0]++;
            });
            assertThat(next[0]).isEqualTo(end.add(BigInteger.ONE));
            assertThat(count[0]).isLessThanOrEqualTo(Prefixes.MAX_PREFIXES_PER_RANGE);
        }
        assertThat(Prefixes.exactLength(Addr.MIN, Addr.MAX)).isZero();
        assertThat(Prefixes.exactLength(Addr.V4_MIN, Addr.V4_MAX)).isEqualTo(96);
        assertThat(Prefixes.exactLength(Addr.of("10.0.0.0"), Addr.of("10.0.0.255"))).isEqualTo(120);
        assertThat(Prefixes.exactLength(Addr.of("10.0.0.1"), Addr.of("10.0.0.1"))).isEqualTo(128);
        assertThat(Prefixes.exactLength(Addr.of("10.0.0.1"), Addr.of("10.0.0.2"))).isEqualTo(-1);
        assertThat(Prefixes.exactLength(Addr.of("fd00::"), Addr.of("fd00::ffff:ffff:ffff:ffff"))).isEqualTo(64);
    }

    static Addr addr(BigInteger v) {
        return new Addr(v.shiftRight(64).longValue(), v.longValue());
    }

    static BigInteger big(long h, long l) {
        return new BigInteger(Long.toUnsignedString(h)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(l)));
    }
}
