package dev.microseg.dp.engine;

import dev.microseg.dp.nfq.NfqPacket;
import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.session.SessionView;

/**
 * Identifies a connection's application (DPI) for rules with {@code apps}. The engine asks it
 * about each packet of a connection whose best matching rule needs the application, until it
 * answers; meanwhile the packets are accepted without a decision mark, so they keep reaching user
 * space. Called on the packet's queue thread: no blocking, no allocation per packet.
 *
 * <p>The parsers come with a later issue; until then {@link #NONE} answers "cannot tell" at once,
 * so a connection is decided on its first packet by the rules without applications.
 */
@FunctionalInterface
public interface AppIdentifier {
    /** Answer: not sure yet, show me the next packet. */
    int KEEP_INSPECTING = 0;
    /** Answer: this connection's application cannot be identified. */
    int UNIDENTIFIED = -1;

    /** An identifier without parsers: every connection is "cannot tell" on its first packet. */
    AppIdentifier NONE = (packet, decoded, session) -> UNIDENTIFIED;

    /**
     * @param packet  the queued packet (payload at {@code packet.buffer()} from
     *                {@code packet.payloadOffset()}; the queue's copy range may cut it)
     * @param decoded its decoded headers ({@code payloadOffset()} is relative to the IP header)
     * @param session the connection after this packet was accounted
     * @return a positive application id, {@link #KEEP_INSPECTING} or {@link #UNIDENTIFIED}
     */
    int inspect(NfqPacket packet, DecodedPacket decoded, SessionView session);
}
