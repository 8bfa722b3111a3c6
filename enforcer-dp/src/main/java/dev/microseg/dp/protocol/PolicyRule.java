package dev.microseg.dp.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One data-plane rule of {@code ctrl_cfg_policy.rules} (NeuVector's {@code DPPolicyIPRule}): source and
 * destination address ranges, a port range, a protocol and an action. Compiled rules of one group rule
 * share its id, so ids need not be unique within a policy.
 *
 * @param id      u32 rule id, 1 or more (0 stands for the default action in reports)
 * @param sip     source range start
 * @param sipr    source range end (on the wire optional, defaulting to {@code sip}); same family, not below {@code sip}
 * @param dip     destination range start
 * @param dipr    destination range end, as {@code sipr}
 * @param port    destination port range start, 0..65535
 * @param portr   destination port range end, {@code port}..65535
 * @param proto   IP protocol
 * @param action  what a match does
 * @param ingress true if the rule governs traffic the workload receives
 * @param fqdn    optional FQDN the rule is about; accepted and not matched in the first version
 * @param vhost   whether {@code fqdn} names an HTTP virtual host; accepted and not matched
 * @param apps    per-application actions, at most {@link ProtocolLimits#MAX_APPS_PER_RULE}
 */
public record PolicyRule(long id, IpAddress sip, IpAddress sipr, IpAddress dip, IpAddress dipr, int port, int portr,
                         IpProto proto, RuleAction action, boolean ingress, Optional<String> fqdn, boolean vhost,
                         List<RuleApp> apps) {

    public PolicyRule {
        Check.range("id", id, 1, Check.U32_MAX);
        Check.present("sip", sip);
        Check.present("sipr", sipr);
        Check.present("dip", dip);
        Check.present("dipr", dipr);
        Check.sameFamily("sipr", sipr, sip, "sip");
        Check.sameFamily("dip", dip, sip, "sip");
        Check.sameFamily("dipr", dipr, dip, "dip");
        if (sipr.compareTo(sip) < 0) {
            throw new InvalidFieldException("sipr", "range end " + sipr + " is below its start " + sip);
        }
        if (dipr.compareTo(dip) < 0) {
            throw new InvalidFieldException("dipr", "range end " + dipr + " is below its start " + dip);
        }
        Check.port("port", port);
        Check.port("portr", portr);
        if (portr < port) {
            throw new InvalidFieldException("portr", "range end " + portr + " is below its start " + port);
        }
        Objects.requireNonNull(Check.present("proto", proto));
        Objects.requireNonNull(Check.present("action", action));
        Check.present("fqdn", fqdn);
        fqdn.ifPresent(PolicyRule::checkFqdn);
        apps = Check.list("apps", apps, ProtocolLimits.MAX_APPS_PER_RULE);
    }

    /** A rule without FQDN, vhost or applications. */
    public PolicyRule(long id, IpAddress sip, IpAddress sipr, IpAddress dip, IpAddress dipr, int port, int portr,
                      IpProto proto, RuleAction action, boolean ingress) {
        this(id, sip, sipr, dip, dipr, port, portr, proto, action, ingress, Optional.empty(), false, List.of());
    }

    /** RFC 1035 host name characters, with a leading {@code *.} wildcard as NeuVector's FQDN rules allow. */
    private static void checkFqdn(String fqdn) {
        if (fqdn.isEmpty() || fqdn.length() > ProtocolLimits.MAX_FQDN_LEN) {
            throw new InvalidFieldException("fqdn", ControlError.OUT_OF_RANGE,
                    "length " + fqdn.length() + " is outside 1.." + ProtocolLimits.MAX_FQDN_LEN + " (RFC 1035)");
        }
        int start = fqdn.startsWith("*.") ? 2 : 0;
        for (int i = start; i < fqdn.length(); i++) {
            char c = fqdn.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
            if (!ok) {
                throw new InvalidFieldException("fqdn", "not a host name: " + Text.quote(fqdn));
            }
        }
    }
}
