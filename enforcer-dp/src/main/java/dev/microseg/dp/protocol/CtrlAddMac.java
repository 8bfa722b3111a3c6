package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * {@code {"ctrl_add_mac": {"iface": "veth1a2b", "mac": "02:42:ac:11:00:02", "pips": [{"ip": "172.17.0.2"}]}}}:
 * announces a workload endpoint; the dp starts enforcing for its MAC once a policy arrives.
 *
 * @param endpoint the endpoint's fields, see {@link Endpoint}
 */
public record CtrlAddMac(Endpoint endpoint) implements ControlCommand {
    public static final String KEY = "ctrl_add_mac";

    public CtrlAddMac {
        Objects.requireNonNull(Check.present("endpoint", endpoint));
    }

    @Override
    public String key() {
        return KEY;
    }
}
