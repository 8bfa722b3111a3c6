package dev.microseg.dp.netns;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Moves the calling thread into a network namespace: {@code setns(open(path), CLONE_NEWNET)}
 * through FFM (setns(2)).
 *
 * <p>Namespace membership is per thread on Linux, so only the calling thread moves: sockets it
 * creates afterwards (netlink, TCP, UDP) belong to the namespace, and keep belonging to it
 * whichever thread uses them later. Use a dedicated platform thread ({@link NetnsThread}); never
 * a virtual thread (it may change carrier) or a pooled thread others reuse. Needs CAP_SYS_ADMIN.
 */
public final class Netns {
    /** Where {@code ip netns add NAME} bind-mounts named namespaces. */
    public static final Path RUN_NETNS = Path.of("/run/netns");
    /** {@code ip netns} accepts names that are valid file names; we accept a safe subset. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private Netns() {
    }

    /** /run/netns/NAME, after checking NAME cannot escape that directory. */
    public static Path path(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("network namespace name " + name + " is not [A-Za-z0-9_.-]{1,64}");
        }
        return RUN_NETNS.resolve(name);
    }

    public static boolean exists(String name) {
        return Files.exists(path(name));
    }

    /** Moves the calling thread into the named namespace (/run/netns/NAME). */
    public static void enter(String name) throws IOException {
        enter(path(name));
    }

    /** Moves the calling thread into the namespace at {@code nsFile} (/run/netns/X or /proc/PID/ns/net). */
    public static void enter(Path nsFile) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoBox(arena);
            int fd = Libc.open(errno, arena.allocateFrom(nsFile.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("opening network namespace " + nsFile + ": " + Errno.describe(Libc.errno(errno)));
            }
            try {
                if (Libc.setns(errno, fd, Libc.CLONE_NEWNET) < 0) {
                    int e = Libc.errno(errno);
                    throw new IOException("entering network namespace " + nsFile + ": " + Errno.describe(e)
                            + (e == Errno.EPERM.number() ? " - needs CAP_SYS_ADMIN" : "")
                            + (e == Errno.EINVAL.number() ? " - not a network namespace file" : ""));
                }
            } finally {
                Libc.close(errno, fd);
            }
        }
    }

    /**
     * The inode of the calling thread's network namespace ({@code /proc/thread-self/ns/net}), to
     * check which namespace a thread is in.
     */
    public static long currentInode() throws IOException {
        return inode(Path.of("/proc/thread-self/ns/net"));
    }

    public static long inode(Path nsFile) throws IOException {
        Object ino = Files.getAttribute(nsFile, "unix:ino");
        return ((Number) ino).longValue();
    }
}
