package dev.microseg.model.workload;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container (or pod) as a node reports it.
 *
 * @param id        stable id (container id), unique per tenant
 * @param name      display name
 * @param nodeId    the node it runs on
 * @param labels    labels, matched by group selectors
 * @param addresses its IP addresses
 * @param mac       the MAC of its interface, as the data plane knows the endpoint (may be empty)
 */
public record Workload(String id, String name, String nodeId, Map<String, String> labels,
                       List<InetAddress> addresses, String mac) {
    public Workload {
        Objects.requireNonNull(id, "id");
        name = name == null ? id : name;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        mac = mac == null ? "" : mac;
    }
}
