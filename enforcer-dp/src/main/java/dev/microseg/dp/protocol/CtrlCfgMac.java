package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * {@code {"ctrl_cfg_mac": {"iface": "veth1a2b", "mac": "02:42:ac:11:00:02", "pips": [{"ip": "172.17.0.2"}]}}}:
 * changes an announced endpoint (new addresses, new interface).
 *
 * @param endpoint the endpoint's fields, see {@link Endpoint}
 */
public record CtrlCfgMac(Endpoint endpoint) implements ControlCommand {
    public static final String KEY = "ctrl_cfg_mac";

    public CtrlCfgMac {
        Objects.requireNonNull(Check.present("endpoint", endpoint));
    }

    @Override
    public String key() {
        return KEY;
    }
}
