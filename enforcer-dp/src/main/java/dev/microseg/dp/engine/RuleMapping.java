package dev.microseg.dp.engine;

import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Addr;
import dev.microseg.dp.policy.AppRule;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.ClassifierRule;
import dev.microseg.dp.policy.PolicyDirection;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlCfgPolicy;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.RuleApp;
import dev.microseg.dp.protocol.WorkloadPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a {@code ctrl_cfg_policy} ({@link WorkloadPolicy}) to the classifier's input
 * ({@link ClassifierRule}) and compiles it.
 *
 * <ul>
 *   <li>Addresses: the protocol keeps IPv4 in the low 32 bits, the classifier as IPv4-mapped IPv6
 *       ({@link dev.microseg.dp.packet.Addresses}); ranges keep their family.</li>
 *   <li>Ids: the classifier orders rules by a signed {@code int} id, so rule ids ({@code id},
 *       {@code apps[].rid}) and application ids above 2147483647 are refused (REJECTED, naming the
 *       field) rather than silently reordered. The agent numbers rules from 1 upwards.</li>
 *   <li>{@code fqdn}/{@code vhost}: version 1 does not match on them. A rule carrying an
 *       {@code fqdn} is accepted but left out of the compiled policy: matching it on its address
 *       and port part alone (usually "any address") would allow far more than the rule says. The
 *       control server logs {@code event=ctrl_fqdn_ignored} once per policy.</li>
 * </ul>
 */
final class RuleMapping {
    private RuleMapping() {
    }

    /** The policy's rules for the classifier; rules with an {@code fqdn} are left out (see above). */
    static List<ClassifierRule> rules(WorkloadPolicy policy) throws ControlException {
        List<ClassifierRule> out = new ArrayList<>(policy.rules().size());
        for (int i = 0; i < policy.rules().size(); i++) {
            PolicyRule r = policy.rules().get(i);
            if (r.fqdn().isPresent()) {
                continue;
            }
            String at = CtrlCfgPolicy.KEY + ".rules[" + i + "]";
            int id = id(r.id(), at + ".id");
            List<AppRule> apps = new ArrayList<>(r.apps().size());
            for (int j = 0; j < r.apps().size(); j++) {
                RuleApp a = r.apps().get(j);
                String appAt = at + ".apps[" + j + "]";
                int app = id(a.app(), appAt + ".app");
                if (app == 0) {
                    throw new ControlException(ControlError.REJECTED, appAt + ".app", "application id 0 means \"unknown\"");
                }
                apps.add(new AppRule(id(a.rid(), appAt + ".rid"), app, action(a.action())));
            }
            out.add(new ClassifierRule(id, addr(r.sip()), addr(r.sipr()), addr(r.dip()), addr(r.dipr()), r.port(),
                    r.portr(), r.proto().code(), action(r.action()), r.ingress(), apps));
        }
        return out;
    }

    /** Compiles the policy under {@code generation}. */
    static Classifier compile(WorkloadPolicy policy, int generation) throws ControlException {
        List<ClassifierRule> rules = rules(policy);
        try {
            return Classifier.compile(rules, action(policy.defact()), PolicyDirection.fromWire(policy.dir().code()),
                    generation);
        } catch (IllegalArgumentException e) {
            throw new ControlException(ControlError.REJECTED, CtrlCfgPolicy.KEY, e.getMessage());
        }
    }

    /** How many of the policy's rules carry an {@code fqdn} (left out of the compiled policy). */
    static long fqdnRules(WorkloadPolicy policy) {
        return policy.rules().stream().filter(r -> r.fqdn().isPresent()).count();
    }

    static Action action(RuleAction a) {
        return Action.fromWire(a.code(), "action");
    }

    static RuleAction action(Action a) {
        return RuleAction.fromCode(a.wire());
    }

    static Addr addr(IpAddress ip) {
        long[] a = Endpoints.toDp(ip);
        return new Addr(a[0], a[1]);
    }

    private static int id(long value, String path) throws ControlException {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new ControlException(ControlError.REJECTED, path, "this dp supports ids up to " + Integer.MAX_VALUE
                    + ", was " + value);
        }
        return (int) value;
    }
}
