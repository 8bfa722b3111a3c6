package dev.microseg.dp.protocol;

import java.util.List;

/** The complete internal-subnet set, assembled from one or more {@link CtrlCfgInternalNet} datagrams. */
public record InternalNets(List<Subnet> subnets) {
    public InternalNets {
        subnets = Check.list("subnet_addr", subnets, ProtocolLimits.MAX_SUBNETS);
    }
}
