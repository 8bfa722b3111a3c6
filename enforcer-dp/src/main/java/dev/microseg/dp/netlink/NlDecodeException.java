package dev.microseg.dp.netlink;

/**
 * A netlink message or attribute from the kernel does not fit its declared bounds. Checked on
 * purpose: receive loops must catch it, count it and carry on; a malformed message never crashes
 * the data plane.
 */
public final class NlDecodeException extends Exception {
    public NlDecodeException(String message) {
        super(message);
    }
}
