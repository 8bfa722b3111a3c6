package dev.microseg.model.net;

import dev.microseg.model.InvalidFieldException;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation. Host bits must be zero: {@code 10.0.0.1/8} is
 * rejected with a hint rather than silently widened, because it is usually a typo.
 *
 * @param network the first address of the network
 * @param prefix  prefix length, 0..32 (IPv4) or 0..128 (IPv6)
 */
public record Cidr(InetAddress network, int prefix) {
    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = IpAddresses.bits(network);
        if (prefix < 0 || prefix > bits) {
            throw new InvalidFieldException("prefix", "must be between 0 and " + bits);
        }
        InetAddress masked = mask(network, prefix);
        if (!masked.equals(network)) {
            throw new InvalidFieldException("network", IpAddresses.format(network) + "/" + prefix
                    + " has host bits set; did you mean " + IpAddresses.format(masked) + "/" + prefix + "?");
        }
    }

    /** Parses {@code a.b.c.d/n}, {@code x::y/n}, or a bare address (a /32 or /128 host). */
    public static Cidr parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(field, "must be a CIDR such as 10.0.0.0/8");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        InetAddress address = IpAddresses.parse(field, slash < 0 ? s : s.substring(0, slash));
        int bits = IpAddresses.bits(address);
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1).strip();
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new InvalidFieldException(field, "'" + text + "' has a bad prefix length");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new InvalidFieldException(field, "'" + text + "': prefix length must be at most " + bits);
            }
        }
        InetAddress network = mask(address, prefix);
        if (!network.equals(address)) {
            throw new InvalidFieldException(field, "'" + text + "' has host bits set; did you mean "
                    + IpAddresses.format(network) + "/" + prefix + "?");
        }
        return new Cidr(network, prefix);
    }

    public boolean isIpv4() {
        return network instanceof Inet4Address;
    }

    /** The last address of the network. */
    public InetAddress last() {
        int bits = IpAddresses.bits(network);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        return IpAddresses.fromBigInteger(IpAddresses.toBigInteger(network).or(hostMask), !isIpv4());
    }

    /** The network as an inclusive address range. */
    public AddressRange toRange() {
        return new AddressRange(network, last());
    }

    public boolean contains(InetAddress address) {
        if (IpAddresses.bits(address) != IpAddresses.bits(network)) {
            return false;
        }
        return mask(address, prefix).equals(network);
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        int bits = IpAddresses.bits(address);
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        BigInteger masked = IpAddresses.toBigInteger(address).and(all.xor(hostMask));
        return IpAddresses.fromBigInteger(masked, bits == 128);
    }

    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefix;
    }
}
