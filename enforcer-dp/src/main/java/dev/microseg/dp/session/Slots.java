package dev.microseg.dp.session;

/**
 * Layout of one session slot: {@value #STRIDE} longs (104 bytes) in a segment's {@code long[]}.
 *
 * <pre>
 *  0..3  side A address hi/lo, side B address hi/lo (the canonical key, see SessionKey)
 *  4     meta:  bits 0-15 port A, 16-31 port B, 32-39 protocol, 40 occupied,
 *               41-44 TCP state, 45-47 verdict, 48 initiator is B, 49 offloaded, 50 reported,
 *               51 picked up mid-stream, 52 FIN from initiator, 53 FIN from responder
 *  5     rule id (high 32) | application id (low 32)
 *  6     endpoint index (high 32) | policy generation (low 32)
 *  7, 8  packets initiator→responder, responder→initiator
 *  9, 10 bytes initiator→responder, responder→initiator
 *  11    first seen (clock of the caller, ms)
 *  12    last seen
 * </pre>
 * Primitive words keep a million sessions in a few large arrays the GC never scans.
 */
final class Slots {
    static final int STRIDE = 13;
    static final int AHI = 0;
    static final int ALO = 1;
    static final int BHI = 2;
    static final int BLO = 3;
    static final int META = 4;
    static final int RULE_APP = 5;
    static final int ENDPOINT_GEN = 6;
    static final int PKTS_INIT = 7;
    static final int PKTS_RESP = 8;
    static final int BYTES_INIT = 9;
    static final int BYTES_RESP = 10;
    static final int FIRST = 11;
    static final int LAST = 12;

    static final long OCCUPIED = 1L << 40;
    static final long KEY_MASK = (1L << 41) - 1;
    static final int STATE_SHIFT = 41;
    static final long STATE_MASK = 0xfL << STATE_SHIFT;
    static final int VERDICT_SHIFT = 45;
    static final long VERDICT_MASK = 0x7L << VERDICT_SHIFT;
    static final long INIT_B = 1L << 48;
    static final long OFFLOADED = 1L << 49;
    static final long REPORTED = 1L << 50;
    static final long MIDSTREAM = 1L << 51;
    static final int FIN_SHIFT = 52;
    static final long FIN_MASK = 0x3L << FIN_SHIFT;

    private Slots() {
    }

    static long metaKey(int portA, int portB, int proto) {
        return (portA & 0xffffL) | (portB & 0xffffL) << 16 | (proto & 0xffL) << 32 | OCCUPIED;
    }

    static int portA(long meta) {
        return (int) (meta & 0xffff);
    }

    static int portB(long meta) {
        return (int) ((meta >>> 16) & 0xffff);
    }

    static int proto(long meta) {
        return (int) ((meta >>> 32) & 0xff);
    }

    static int state(long meta) {
        return (int) ((meta & STATE_MASK) >>> STATE_SHIFT);
    }

    static int fin(long meta) {
        return (int) ((meta & FIN_MASK) >>> FIN_SHIFT);
    }

    static long withState(long meta, int state, int fin) {
        return (meta & ~(STATE_MASK | FIN_MASK)) | ((long) state << STATE_SHIFT) | ((long) fin << FIN_SHIFT);
    }

    static int verdict(long meta) {
        return (int) ((meta & VERDICT_MASK) >>> VERDICT_SHIFT);
    }

    static long withVerdict(long meta, int verdict) {
        return (meta & ~VERDICT_MASK) | ((long) verdict << VERDICT_SHIFT);
    }

    static long pack(int hi, int lo) {
        return ((long) hi << 32) | (lo & 0xffff_ffffL);
    }
}
