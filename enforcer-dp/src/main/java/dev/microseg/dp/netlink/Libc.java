package dev.microseg.dp.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc entry points the data plane needs, bound through the Foreign Function &amp; Memory
 * API ({@code Linker.nativeLinker()}; no JNI, no native library of ours).
 *
 * <p>Every call captures {@code errno} into a caller-owned segment ({@link #newErrnoBox}) so that
 * hot paths reuse one box instead of allocating. Each method returns the raw C return value; the
 * caller reads {@link #errno(MemorySegment)} when it is negative. Constants are the Linux values for
 * x86_64 and aarch64 (asm-generic), from {@code <sys/socket.h>}, {@code <linux/netlink.h>},
 * {@code <fcntl.h>} and {@code <sched.h>}.
 */
public final class Libc {
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    /** {@code SO_RCVTIMEO_OLD}: a {@code struct timeval} of two longs on 64-bit Linux. */
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;

    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_DROP_MEMBERSHIP = 2;
    public static final int NETLINK_NO_ENOBUFS = 5;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    /** recvmmsg(2): block for the first message only, then take what is already queued. */
    public static final int MSG_WAITFORONE = 0x10000;

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET =
            downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND =
            downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME =
            downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV =
            downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMMSG = downcall("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN =
            downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS =
            downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }

    /** A segment that receives {@code errno} after each call; allocate once per socket or thread. */
    public static MemorySegment newErrnoBox(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The {@code errno} captured by the last call that used {@code box}. */
    public static int errno(MemorySegment box) {
        return (int) ERRNO.get(box, 0L);
    }

    public static int socket(MemorySegment errno, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(errno, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(MemorySegment errno, int fd, MemorySegment addr, int addrLen) {
        try {
            return (int) BIND.invokeExact(errno, fd, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockname(MemorySegment errno, int fd, MemorySegment addr, MemorySegment addrLen) {
        try {
            return (int) GETSOCKNAME.invokeExact(errno, fd, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(errno, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value,
                                 MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(errno, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendto(MemorySegment errno, int fd, MemorySegment buf, long len, int flags,
                              MemorySegment addr, int addrLen) {
        try {
            return (long) SENDTO.invokeExact(errno, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recv(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV.invokeExact(errno, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int recvmmsg(MemorySegment errno, int fd, MemorySegment msgvec, int vlen, int flags,
                               MemorySegment timeout) {
        try {
            return (int) RECVMMSG.invokeExact(errno, fd, msgvec, vlen, flags, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment errno, int fd) {
        try {
            return (int) CLOSE.invokeExact(errno, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(MemorySegment errno, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(errno, path, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setns(MemorySegment errno, int fd, int nstype) {
        try {
            return (int) SETNS.invokeExact(errno, fd, nstype);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
