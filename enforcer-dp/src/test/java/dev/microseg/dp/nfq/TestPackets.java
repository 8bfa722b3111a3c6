package dev.microseg.dp.nfq;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.net.InetAddress;

/**
 * Queued packets made in memory for tests of packet handlers outside this package (the kernel's
 * are decoded by {@link NfqCodec}): an IPv4 payload with the id and mark a queue would give.
 */
public final class TestPackets {
    private TestPackets() {
    }

    /** A forwarded IPv4 packet {@code ip} with this id and packet mark. */
    public static NfqPacket ipv4(int id, int mark, byte[] ip) {
        NfqPacket p = new NfqPacket();
        p.id = id;
        p.mark = mark;
        p.hwProtocol = NfqPacket.ETH_P_IP;
        p.hook = NfqPacket.HOOK_FORWARD;
        p.buffer = MemorySegment.ofArray(ip.clone());
        p.payloadOffset = 0;
        p.payloadLength = ip.length;
        p.originalLength = ip.length;
        return p;
    }

    /** IPv4 + TCP without options, checksums left zero (the decoder does not verify them: GSO). */
    public static byte[] tcp(String src, int sport, String dst, int dport, int flags) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress());
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) 0x50).put((byte) flags)
                .putShort((short) 65535).putInt(0);
        return b.array();
    }
}
