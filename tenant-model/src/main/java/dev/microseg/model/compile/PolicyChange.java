package dev.microseg.model.compile;

import dev.microseg.model.group.Group;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.workload.Workload;

import java.util.Objects;

/**
 * One change to a tenant's compiler inputs. A list of changes is applied as one batch by
 * {@link PolicyCompiler#apply(java.util.List)}: checked as a whole first (a rule may name a
 * group put earlier in the same batch), then applied in order, then every touched workload is
 * recompiled once.
 */
public sealed interface PolicyChange {

    /** A workload appeared or changed (labels, addresses, node). */
    record PutWorkload(Workload workload) implements PolicyChange {
        public PutWorkload {
            Objects.requireNonNull(workload, "workload");
        }
    }

    /** A workload is gone; removing an unknown id does nothing. */
    record RemoveWorkload(String workloadId) implements PolicyChange {
        public RemoveWorkload {
            Objects.requireNonNull(workloadId, "workloadId");
        }
    }

    /** A group was created or changed (selector, addresses, mode, comment). */
    record PutGroup(Group group) implements PolicyChange {
        public PutGroup {
            Objects.requireNonNull(group, "group");
        }
    }

    /** A group is deleted; refused while a rule still names it. */
    record RemoveGroup(String name) implements PolicyChange {
        public RemoveGroup {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A rule was created or changed; both its groups must exist. */
    record PutRule(PolicyRule rule) implements PolicyChange {
        public PutRule {
            Objects.requireNonNull(rule, "rule");
        }
    }

    /** A rule is deleted; removing an unknown id does nothing. */
    record RemoveRule(long ruleId) implements PolicyChange {
    }
}
