package dev.microseg.dp.nfq;

import dev.microseg.dp.netlink.Libc;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlAttrs;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.netlink.NlDecodeException;
import dev.microseg.dp.netlink.NlWriter;

import java.lang.foreign.MemorySegment;

/**
 * Encodes nfnetlink_queue requests and decodes {@code NFQNL_MSG_PACKET} messages
 * ({@code net/netfilter/nfnetlink_queue.c}). Stateless apart from a reusable attribute index,
 * so one instance per queue thread.
 */
final class NfqCodec {
    static final int PACKET_TYPE = Nl.nfnlType(Nfq.NFNL_SUBSYS_QUEUE, Nfq.MSG_PACKET);
    static final int VERDICT_TYPE = Nl.nfnlType(Nfq.NFNL_SUBSYS_QUEUE, Nfq.MSG_VERDICT);
    static final int BATCH_TYPE = Nl.nfnlType(Nfq.NFNL_SUBSYS_QUEUE, Nfq.MSG_VERDICT_BATCH);
    static final int CONFIG_TYPE = Nl.nfnlType(Nfq.NFNL_SUBSYS_QUEUE, Nfq.MSG_CONFIG);
    /** Bytes of one individual verdict with a mark: header 16 + nfgenmsg 4 + verdict 12 + mark 8. */
    static final int MAX_VERDICT_MESSAGE = 40;

    private final NlAttrs attrs = new NlAttrs("nfqueue packet", Nfq.NFQA_MAX, Nfq.NFQA_NAMES);

    /** Fills {@code into} from the current message of {@code msg}, which must be a PACKET message. */
    void decodePacket(NlCursor msg, NfqPacket into) throws NlDecodeException {
        if (msg.type() != PACKET_TYPE) {
            throw new NlDecodeException("nfqueue: message type 0x" + Integer.toHexString(msg.type())
                    + " is not NFQNL_MSG_PACKET");
        }
        if (msg.payloadLength() < Nl.NFGENMSG_LEN) {
            throw new NlDecodeException("nfqueue packet: " + msg.payloadLength()
                    + " payload bytes, the nfgenmsg header needs " + Nl.NFGENMSG_LEN);
        }
        MemorySegment b = msg.buffer();
        into.clear();
        into.queue = Nl.be16(b, msg.payloadOffset() + 2);
        attrs.parse(b, msg.payloadOffset() + Nl.NFGENMSG_LEN, msg.messageEnd());
        long hdr = attrs.require(Nfq.NFQA_PACKET_HDR, Nfq.PACKET_HDR_LEN);
        into.id = Nl.be32(b, hdr);
        into.hwProtocol = Nl.be16(b, hdr + 4);
        into.hook = Nl.u8(b, hdr + 6);
        into.mark = attrs.be32Or(Nfq.NFQA_MARK, 0);
        into.inInterface = attrs.be32Or(Nfq.NFQA_IFINDEX_INDEV, 0);
        into.outInterface = attrs.be32Or(Nfq.NFQA_IFINDEX_OUTDEV, 0);
        into.skbInfo = attrs.be32Or(Nfq.NFQA_SKB_INFO, 0);
        into.buffer = b;
        if (attrs.has(Nfq.NFQA_PAYLOAD)) {
            into.payloadOffset = attrs.offset(Nfq.NFQA_PAYLOAD);
            into.payloadLength = attrs.length(Nfq.NFQA_PAYLOAD);
        }
        into.originalLength = attrs.be32Or(Nfq.NFQA_CAP_LEN, into.payloadLength);
        if (Integer.compareUnsigned(into.originalLength, into.payloadLength) < 0) {
            throw new NlDecodeException("nfqueue packet " + Integer.toUnsignedString(into.id) + ": NFQA_CAP_LEN "
                    + Integer.toUnsignedString(into.originalLength) + " is below the " + into.payloadLength
                    + " payload bytes received");
        }
    }

    /**
     * The packet id of a datagram the kernel truncated (MSG_TRUNC) or that failed to decode, when
     * its first attribute is the packet header as nfnetlink_queue writes it; -1 otherwise. Used
     * to give such packets the fallback verdict instead of leaving them queued forever.
     */
    static long salvagePacketId(MemorySegment b, long offset, long received) {
        long attr = offset + Nl.NLMSG_HDRLEN + Nl.NFGENMSG_LEN;
        if (received < attr - offset + Nl.NLA_HDRLEN + Nfq.PACKET_HDR_LEN) {
            return -1;
        }
        if (Nl.hostU16(b, offset + 4) != PACKET_TYPE) {
            return -1;
        }
        int len = Nl.hostU16(b, attr);
        int type = Nl.hostU16(b, attr + 2) & Nl.NLA_TYPE_MASK;
        if (type != Nfq.NFQA_PACKET_HDR || len < Nl.NLA_HDRLEN + Nfq.PACKET_HDR_LEN) {
            return -1;
        }
        return Integer.toUnsignedLong(Nl.be32(b, attr + Nl.NLA_HDRLEN));
    }

    /**
     * NFQNL_MSG_CONFIG binding {@code queue} and configuring it in the same message, so the queue
     * never exists half-configured: NFQA_CFG_CMD (BIND), NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN and
     * NFQA_CFG_MASK/FLAGS (the kernel checks the flags before it binds).
     */
    static void encodeBind(NlWriter w, int seq, NfQueueConfig c) {
        w.beginMessage(CONFIG_TYPE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq).nfgenmsg(Libc.AF_UNSPEC, c.queueNumber());
        long cmd = w.attr(Nfq.NFQA_CFG_CMD, 4);
        Nl.putU8(w.segment(), cmd, Nfq.CFG_CMD_BIND);
        Nl.putBe16(w.segment(), cmd + 2, Libc.AF_UNSPEC);
        long params = w.attr(Nfq.NFQA_CFG_PARAMS, 5);
        Nl.putBe32(w.segment(), params, c.copyRange());
        Nl.putU8(w.segment(), params + 4, c.copyMode().code());
        w.be32(Nfq.NFQA_CFG_QUEUE_MAXLEN, c.maxQueueLength());
        w.be32(Nfq.NFQA_CFG_MASK, Nfq.NFQA_CFG_F_GSO | Nfq.NFQA_CFG_F_FAIL_OPEN);
        w.be32(Nfq.NFQA_CFG_FLAGS, (c.gso() ? Nfq.NFQA_CFG_F_GSO : 0) | (c.failOpen() ? Nfq.NFQA_CFG_F_FAIL_OPEN : 0));
        w.endMessage();
    }

    static void encodeUnbind(NlWriter w, int seq, int queue) {
        w.beginMessage(CONFIG_TYPE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq).nfgenmsg(Libc.AF_UNSPEC, queue);
        long cmd = w.attr(Nfq.NFQA_CFG_CMD, 4);
        Nl.putU8(w.segment(), cmd, Nfq.CFG_CMD_UNBIND);
        Nl.putBe16(w.segment(), cmd + 2, Libc.AF_UNSPEC);
        w.endMessage();
    }

    /**
     * One NFQNL_MSG_VERDICT. The sequence number carries the packet id, so an error the kernel
     * reports for it names the packet.
     */
    static void encodeVerdict(NlWriter w, int queue, int id, int verdict, boolean withMark, int mark) {
        w.beginMessage(VERDICT_TYPE, Nl.NLM_F_REQUEST, id).nfgenmsg(Libc.AF_UNSPEC, queue);
        long v = w.attr(Nfq.NFQA_VERDICT_HDR, 8);
        Nl.putBe32(w.segment(), v, verdict);
        Nl.putBe32(w.segment(), v + 4, id);
        if (withMark) {
            w.be32(Nfq.NFQA_MARK, mark);
        }
        w.endMessage();
    }

    /** One NFQNL_MSG_VERDICT_BATCH: applies to every queued packet with an id up to {@code maxId}. */
    static void encodeBatchVerdict(NlWriter w, int queue, int maxId, int verdict) {
        w.beginMessage(BATCH_TYPE, Nl.NLM_F_REQUEST, maxId).nfgenmsg(Libc.AF_UNSPEC, queue);
        long v = w.attr(Nfq.NFQA_VERDICT_HDR, 8);
        Nl.putBe32(w.segment(), v, verdict);
        Nl.putBe32(w.segment(), v + 4, maxId);
        w.endMessage();
    }
}
