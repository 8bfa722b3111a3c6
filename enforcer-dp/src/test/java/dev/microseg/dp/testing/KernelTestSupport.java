package dev.microseg.dp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Preconditions of the kernel tests. They need root (network namespaces, veths, netfilter
 * queues) and the Debian tools; without them the tests fail with a message saying what is
 * missing, they never pass silently.
 */
public final class KernelTestSupport {
    /** Tools the kernel tests call; {@code ./microseg setup} installs them. */
    public static final List<String> TOOLS = List.of("ip", "iptables", "ip6tables", "iptables-restore", "ping",
            "conntrack");

    private KernelTestSupport() {
    }

    /** Deletes {@code dir} and the files directly in it (the tests' socket directories); absent is fine. */
    public static void deleteFlatDirectory(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Throws an AssertionError unless running as root with the tools installed. */
    public static void requireRootAndTools() {
        String uid = effectiveUid();
        if (!"0".equals(uid)) {
            throw new AssertionError("kernel tests need root (network namespaces, NFQUEUE, iptables): effective uid is "
                    + uid + "; run ./microseg test as root");
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                throw new AssertionError("kernel tests need '" + tool + "' on PATH; run ./microseg setup "
                        + "(apt-get install -y iptables nftables conntrack iproute2 iputils-ping)");
            }
        }
    }

    static String effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2];
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
