package dev.microseg.dp.testing;

import dev.microseg.dp.nfq.NfqPacket;

import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A copy of what a test saw of a queued packet (the flyweight does not outlive the handler
 * call), with just enough IPv4/IPv6/TCP/UDP parsing to check tests' traffic. The product's
 * decoder lives in the packet package; this is only test inspection.
 */
public record SeenPacket(int id, int hook, int hwProtocol, int mark, int inInterface, int outInterface, int payloadLength,
                         int originalLength, boolean checksumNotReady, boolean gso, byte[] head) {
    /** Bytes of each payload kept: covers the headers and the tests' short messages. */
    public static final int HEAD_BYTES = 512;

    public static SeenPacket of(NfqPacket p) {
        int n = Math.min(p.payloadLength(), HEAD_BYTES);
        byte[] head = new byte[n];
        java.lang.foreign.MemorySegment.copy(p.buffer(), ValueLayout.JAVA_BYTE, p.payloadOffset(), head, 0, n);
        return new SeenPacket(p.id(), p.hook(), p.hwProtocol(), p.mark(), p.inInterface(), p.outInterface(),
                p.payloadLength(), p.originalLength(), p.checksumNotReady(), p.gso(), head);
    }

    public boolean isIpv6() {
        return head.length > 0 && (head[0] & 0xf0) == 0x60;
    }

    /** IPv4 protocol / IPv6 next header (no extension headers in the tests' traffic). */
    public int protocol() {
        return isIpv6() ? u8(6) : u8(9);
    }

    public int l3HeaderLength() {
        return isIpv6() ? 40 : (u8(0) & 0x0f) * 4;
    }

    public InetAddress source() {
        return address(isIpv6() ? 8 : 12, isIpv6() ? 16 : 4);
    }

    public InetAddress destination() {
        return address(isIpv6() ? 24 : 16, isIpv6() ? 16 : 4);
    }

    public int sourcePort() {
        return u16(l3HeaderLength());
    }

    public int destinationPort() {
        return u16(l3HeaderLength() + 2);
    }

    /** True for a TCP packet with SYN set. */
    public boolean tcpSyn() {
        return protocol() == 6 && (u8(l3HeaderLength() + 13) & 0x02) != 0;
    }

    /** The layer-4 payload present in the copied head. */
    public byte[] l4Payload() {
        int l4 = l3HeaderLength();
        int start = switch (protocol()) {
            case 6 -> l4 + ((u8(l4 + 12) >> 4) * 4);
            case 17 -> l4 + 8;
            default -> l4;
        };
        return start >= head.length ? new byte[0] : Arrays.copyOfRange(head, start, head.length);
    }

    public boolean l4PayloadContains(String text) {
        return new String(l4Payload(), StandardCharsets.ISO_8859_1).contains(text);
    }

    /** Whether this packet belongs to the flow with {@code port} at either end. */
    public boolean touchesPort(int proto, int port) {
        return protocol() == proto && (sourcePort() == port || destinationPort() == port);
    }

    private int u8(int i) {
        return i < head.length ? head[i] & 0xff : -1;
    }

    private int u16(int i) {
        return i + 1 < head.length ? ((head[i] & 0xff) << 8) | (head[i + 1] & 0xff) : -1;
    }

    private InetAddress address(int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(head, off, off + len));
        } catch (UnknownHostException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }
}
