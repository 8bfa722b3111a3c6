package dev.microseg.dp.testing;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.nfq.NfQueue;
import dev.microseg.dp.nfq.NfQueueConfig;

import java.net.InetAddress;

/**
 * A stand-in for a running dp, started as a child process (under {@code ip netns exec}) by tests
 * that kill it: installs the intercept rules for the given addresses, binds the queue, prints
 * {@code READY} and accepts every packet until it is killed.
 *
 * <p>Arguments: queueNumber chainPrefix failOpen address...
 */
public final class QueueHolderMain {
    private QueueHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        int queue = Integer.parseInt(args[0]);
        boolean failOpen = Boolean.parseBoolean(args[2]);
        InterceptManager rules = InterceptManager.create(
                InterceptConfig.of(1, failOpen).withChainPrefix(args[1]).withQueues(queue, 1));
        rules.install();
        for (int i = 3; i < args.length; i++) {
            rules.addWorkload(InetAddress.getByName(args[i]));
        }
        try (NfQueue q = NfQueue.open(NfQueueConfig.defaults(queue).withFailOpen(failOpen))) {
            System.out.println("READY pid=" + ProcessHandle.current().pid() + " port=" + Integer.toUnsignedString(q.portId()));
            System.out.flush();
            q.run((p, v) -> v.accept(p.id()));
        }
    }
}
