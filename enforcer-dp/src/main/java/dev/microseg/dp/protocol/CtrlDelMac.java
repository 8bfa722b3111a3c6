package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * {@code {"ctrl_del_mac": {"iface": "veth1a2b", "mac": "02:42:ac:11:00:02", "pips": [{"ip": "172.17.0.2"}]}}}:
 * removes a workload endpoint and its policy; only {@code iface} and {@code mac} matter.
 *
 * @param endpoint the endpoint's fields, see {@link Endpoint}
 */
public record CtrlDelMac(Endpoint endpoint) implements ControlCommand {
    public static final String KEY = "ctrl_del_mac";

    public CtrlDelMac {
        Objects.requireNonNull(Check.present("endpoint", endpoint));
    }

    @Override
    public String key() {
        return KEY;
    }
}
