package dev.microseg.dp.protocol;

import java.util.List;

/**
 * {@code {"ctrl_cfg_internal_net": {"flag": 3, "subnet_addr": [{"ip": "10.0.0.0", "mask": "255.0.0.0"}]}}}
 * (NeuVector's {@code DPInternalSubnetCfg}): the subnets that count as internal (east-west); traffic to
 * anything else is external. Replaces the previous set. Batched like a policy, at most
 * {@link ProtocolLimits#SUBNETS_PER_BATCH} subnets per datagram.
 *
 * @param flag    batch flags, 0..3
 * @param subnets wire name {@code subnet_addr}
 */
public record CtrlCfgInternalNet(int flag, List<Subnet> subnets) implements ControlCommand {
    public static final String KEY = "ctrl_cfg_internal_net";

    public CtrlCfgInternalNet {
        Check.flag("flag", flag);
        subnets = Check.list("subnet_addr", subnets, ProtocolLimits.SUBNETS_PER_BATCH);
    }

    @Override
    public String key() {
        return KEY;
    }
}
