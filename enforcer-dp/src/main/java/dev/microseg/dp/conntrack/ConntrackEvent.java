package dev.microseg.dp.conntrack;

/** A conntrack event from ctnetlink's multicast groups. */
public record ConntrackEvent(Type type, ConntrackEntry entry) {
    /** NFNLGRP_CONNTRACK_NEW / _UPDATE / _DESTROY. */
    public enum Type {
        NEW(Ct.NFNLGRP_CONNTRACK_NEW),
        UPDATE(Ct.NFNLGRP_CONNTRACK_UPDATE),
        DESTROY(Ct.NFNLGRP_CONNTRACK_DESTROY);

        private final int group;

        Type(int group) {
            this.group = group;
        }

        int group() {
            return group;
        }
    }
}
