package dev.microseg.dp.netlink;

import java.io.IOException;

/**
 * A netlink operation failed. The message always starts with the step that failed ("binding queue
 * 0", "getting conntrack entry tcp 10.0.0.1:4000 -> 10.0.0.2:80") followed by the kernel's errno
 * name and, when the kernel sent one through {@code NETLINK_EXT_ACK}, its own explanation.
 */
public class NetlinkException extends IOException {
    private final String step;
    private final int errno;

    public NetlinkException(String step, int errno, String detail) {
        super(step + ": " + Errno.describe(errno) + (detail == null || detail.isEmpty() ? "" : " - " + detail));
        this.step = step;
        this.errno = Math.abs(errno);
    }

    public NetlinkException(String step, String problem) {
        super(step + ": " + problem);
        this.step = step;
        this.errno = 0;
    }

    /** The step that failed, as the caller named it. */
    public String step() {
        return step;
    }

    /** The positive errno, or 0 when the failure is not an errno (a malformed reply, a timeout). */
    public int errno() {
        return errno;
    }

    public boolean is(Errno e) {
        return errno == e.number();
    }
}
