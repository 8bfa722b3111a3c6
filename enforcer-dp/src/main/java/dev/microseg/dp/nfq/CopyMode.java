package dev.microseg.dp.nfq;

/** NFQNL_COPY_*: how much of each packet the kernel copies to user space. */
public enum CopyMode {
    /** Metadata only (ids, marks, interfaces), no payload. */
    META(1),
    /** Metadata and up to the copy range of the packet. */
    PACKET(2);

    private final int code;

    CopyMode(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
