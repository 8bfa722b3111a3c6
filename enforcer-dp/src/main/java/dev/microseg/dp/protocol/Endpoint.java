package dev.microseg.dp.protocol;

import java.util.List;
import java.util.Optional;

/**
 * A workload endpoint as carried by {@code ctrl_add_mac}, {@code ctrl_del_mac} and {@code ctrl_cfg_mac}
 * (NeuVector's {@code DPAddMAC}): the host-side interface, the workload's MAC and its addresses.
 *
 * @param iface host interface name (1..15 characters, Linux IFNAMSIZ; no '/', ':' or whitespace)
 * @param mac   the workload's MAC; the key the dp files the endpoint under
 * @param ucmac unicast MAC NeuVector uses in TAP mode; accepted and passed on, optional
 * @param bcmac broadcast MAC NeuVector uses in TAP mode; optional
 * @param pmac  proxy-mesh MAC; optional
 * @param pips  the workload's addresses ({@code [{"ip": "10.1.2.3"}]}); may be empty, at most
 *              {@link ProtocolLimits#MAX_PIPS}, no duplicates
 */
public record Endpoint(String iface, MacAddress mac, Optional<MacAddress> ucmac, Optional<MacAddress> bcmac,
                       Optional<MacAddress> pmac, List<IpAddress> pips) {

    public Endpoint {
        Check.present("iface", iface);
        checkIface(iface);
        Check.present("mac", mac);
        Check.present("ucmac", ucmac);
        Check.present("bcmac", bcmac);
        Check.present("pmac", pmac);
        pips = Check.list("pips", pips, ProtocolLimits.MAX_PIPS);
        Check.unique("pips", pips);
    }

    /** An endpoint with only interface, MAC and addresses. */
    public Endpoint(String iface, MacAddress mac, List<IpAddress> pips) {
        this(iface, mac, Optional.empty(), Optional.empty(), Optional.empty(), pips);
    }

    private static void checkIface(String iface) {
        if (iface.isEmpty() || iface.length() > ProtocolLimits.MAX_IFACE_LEN) {
            throw new InvalidFieldException("iface", ControlError.OUT_OF_RANGE,
                    "length " + iface.length() + " is outside 1.." + ProtocolLimits.MAX_IFACE_LEN + " (IFNAMSIZ)");
        }
        for (int i = 0; i < iface.length(); i++) {
            char c = iface.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new InvalidFieldException("iface", "not a Linux interface name: " + Text.quote(iface));
            }
        }
    }
}
