package dev.microseg.dp.intercept;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What this kernel and its tools offer for queueing packets, detected at start-up rather than
 * assumed (ENVIRONMENT.md: on the reference kernel CONFIG_NFT_QUEUE is off, so nft's own
 * {@code queue} statement fails, while iptables-nft's {@code NFQUEUE} target works).
 *
 * <p>The rules are always written with iptables (its {@code NFQUEUE} target is available on every
 * kernel with NFQUEUE support, whichever of nft's queue expression or xt_NFQUEUE it has); the
 * native nft probe is reported so an operator sees which path the kernel would allow.
 *
 * @param nativeNftQueue  an nft rule with {@code queue num 0 bypass} was accepted
 * @param nftProbeError   why it was not (the nft error), or empty
 * @param iptablesVersion the first line of {@code iptables -V}
 * @param iptablesNft     iptables is the nf_tables variant (iptables-nft) rather than legacy
 * @param ip6tables       ip6tables is installed and answers
 */
public record InterceptBackend(boolean nativeNftQueue, String nftProbeError, String iptablesVersion, boolean iptablesNft,
                               boolean ip6tables) {
    private static final Logger LOG = LoggerFactory.getLogger(InterceptBackend.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    /** Probes in the namespace {@code commandPrefix} runs in (empty: this process's). */
    public static InterceptBackend detect(List<String> commandPrefix) throws IOException {
        Commands.Result v = runOrMissing(Commands.with(commandPrefix, "iptables", "-V"));
        if (v == null || !v.ok()) {
            throw new IOException("iptables is not usable (" + (v == null ? "not installed" : v.message())
                    + "); install it: apt-get install -y iptables");
        }
        String version = v.stdout().strip().lines().findFirst().orElse("");
        Commands.Result v6 = runOrMissing(Commands.with(commandPrefix, "ip6tables", "-V"));
        boolean nftQueue = false;
        String nftError;
        String table = "microseg_probe_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Commands.Result probe = runOrMissing(Commands.with(commandPrefix, "nft", "-f", "-"),
                "add table inet " + table + "\nadd chain inet " + table + " c\nadd rule inet " + table
                        + " c queue num 0 bypass\n");
        if (probe == null) {
            nftError = "nft is not installed";
        } else if (probe.ok()) {
            nftQueue = true;
            nftError = "";
            Commands.run(Commands.with(commandPrefix, "nft", "delete", "table", "inet", table), null, PROBE_TIMEOUT);
        } else {
            nftError = probe.message().lines().findFirst().orElse("exit " + probe.exitCode());
        }
        InterceptBackend b = new InterceptBackend(nftQueue, nftError, version, version.contains("nf_tables"),
                v6 != null && v6.ok());
        LOG.atInfo().addKeyValue("iptables", version).addKeyValue("nativeNftQueue", nftQueue)
                .addKeyValue("nftProbe", nftQueue ? "ok" : nftError).addKeyValue("ip6tables", b.ip6tables())
                .log(b.description());
        return b;
    }

    /** One line for logs: which path is used and why. */
    public String description() {
        String path = iptablesNft ? "iptables-nft NFQUEUE target" : "iptables (legacy) NFQUEUE target";
        return "intercepting with " + path + (nativeNftQueue ? " (native nft queue is also available)"
                : " (native nft queue unavailable: " + nftProbeError + ")");
    }

    private static Commands.Result runOrMissing(List<String> cmd) {
        return runOrMissing(cmd, null);
    }

    private static Commands.Result runOrMissing(List<String> cmd, String stdin) {
        try {
            return Commands.run(cmd, stdin, PROBE_TIMEOUT);
        } catch (IOException e) {
            return null;
        }
    }
}
