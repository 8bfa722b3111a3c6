package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * The identity of a flow in reports: the protected workload and the 5-tuple, oriented from the
 * initiator (client) to the responder (server).
 *
 * @param workload   the workload's MAC (its endpoint id in the dp)
 * @param ipProto    IP protocol number, 0..255
 * @param client     initiator address
 * @param clientPort initiator port (0 for protocols without ports)
 * @param server     responder address, same family as {@code client}
 * @param serverPort responder port (for ICMP: type &lt;&lt; 8 | code)
 */
public record FlowTuple(MacAddress workload, int ipProto, IpAddress client, int clientPort, IpAddress server,
                        int serverPort) {
    public FlowTuple {
        Objects.requireNonNull(Check.present("workload", workload));
        Check.range("ip_proto", ipProto, 0, 255);
        Check.present("client", client);
        Check.present("server", server);
        Check.sameFamily("server", server, client, "client");
        Check.port("client_port", clientPort);
        Check.port("server_port", serverPort);
    }
}
