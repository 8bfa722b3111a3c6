package dev.microseg.dp.intercept;

/**
 * The mark bits the data plane owns, in the packet mark and in the conntrack mark, and what they
 * mean. Only bits inside {@link #mask()} are ever read or written, so other users of marks keep
 * theirs: kube-proxy (0x4000 masquerade, 0x8000 drop), netavark/Podman (0x2000), Weave (0x20000,
 * 0x40000), Istio (0x539), AWS VPC CNI (0x80). Calico's default mark mask (0xffff0000) overlaps
 * every high bit; where Calico runs, pick bits its {@code iptablesMarkMask} leaves out and pass
 * them here.
 *
 * <p>Decisions: a packet verdict with {@link #acceptMark(int)} (NF_REPEAT, so the chain runs
 * again) makes the intercept rules copy the bits into the ct mark ({@code CONNMARK --save-mark
 * --nfmask MASK --ctmask MASK}); from then on the connection is accepted in the kernel and never
 * reaches user space again. {@link #dropMark(int)} does the same for drop. A ct mark with neither
 * (undecided) sends the connection's packets to the queue. Rewriting the ct mark through
 * ctnetlink ({@code Conntrack.setMark(tuple, DROP, MASK)}) cuts an offloaded connection.
 *
 * <p>Reject: a verdict with {@link #rejectMark(int)} (both the accept and the drop bits, a value no
 * connection decision uses) makes the intercept rules answer a TCP packet with a reset
 * ({@code REJECT --reject-with tcp-reset}) and drop anything else. It is a packet mark only, never
 * saved in the ct mark: the dp uses it for denied TCP when {@code tcp_rst_on_deny} is on, so the
 * setting can change at run time without touching the rules.
 *
 * @param mask   the bits owned; default {@link #DEFAULT_MASK}
 * @param accept value (within mask) meaning "accepted, offloaded"
 * @param drop   value (within mask) meaning "dropped in the kernel"
 */
public record MarkBits(int mask, int accept, int drop) {
    /** Bits 26-27: clear of the marks listed above. */
    public static final int DEFAULT_MASK = 0x0C00_0000;
    public static final int DEFAULT_ACCEPT = 0x0400_0000;
    public static final int DEFAULT_DROP = 0x0800_0000;
    public static final MarkBits DEFAULT = new MarkBits(DEFAULT_MASK, DEFAULT_ACCEPT, DEFAULT_DROP);

    /** What the bits of a mark say. */
    public enum Decision { UNDECIDED, ACCEPT, DROP }

    public MarkBits {
        if (mask == 0) {
            throw new IllegalArgumentException("mask must not be 0");
        }
        if (accept == 0 || (accept & ~mask) != 0) {
            throw new IllegalArgumentException("accept 0x" + Integer.toHexString(accept)
                    + " must be non-zero and inside mask 0x" + Integer.toHexString(mask));
        }
        if (drop == 0 || (drop & ~mask) != 0 || drop == accept) {
            throw new IllegalArgumentException("drop 0x" + Integer.toHexString(drop)
                    + " must be non-zero, inside mask 0x" + Integer.toHexString(mask) + " and differ from accept");
        }
        if ((accept & drop) != 0) {
            throw new IllegalArgumentException("accept 0x" + Integer.toHexString(accept) + " and drop 0x"
                    + Integer.toHexString(drop) + " must not share bits (both together mean reject)");
        }
    }

    /** The owned bits' value meaning "reject" (TCP reset, else drop): accept and drop bits together. */
    public int reject() {
        return accept | drop;
    }

    /** {@code current} with the owned bits set to ACCEPT: the mark for an offloading verdict. */
    public int acceptMark(int current) {
        return (current & ~mask) | accept;
    }

    /** {@code current} with the owned bits set to DROP. */
    public int dropMark(int current) {
        return (current & ~mask) | drop;
    }

    /** {@code current} with the owned bits set to REJECT (a packet mark only; see the class comment). */
    public int rejectMark(int current) {
        return (current & ~mask) | accept | drop;
    }

    /** {@code current} with the owned bits cleared (undecided: the connection is queued again). */
    public int undecidedMark(int current) {
        return current & ~mask;
    }

    public Decision decision(int mark) {
        int bits = mark & mask;
        if (bits == accept) {
            return Decision.ACCEPT;
        }
        if (bits == drop) {
            return Decision.DROP;
        }
        return Decision.UNDECIDED;
    }

    /** "0x4000000/0xc000000", as iptables writes a mark match. */
    String match(int value) {
        return "0x" + Integer.toHexString(value) + "/0x" + Integer.toHexString(mask);
    }
}
