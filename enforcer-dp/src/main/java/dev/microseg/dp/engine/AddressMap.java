package dev.microseg.dp.engine;

import java.util.Arrays;

/**
 * An immutable map from addresses (the two-long form of {@link dev.microseg.dp.packet.Addresses})
 * to endpoint indexes, read by every queue thread for every undecided packet: open addressing with
 * linear probing over two primitive arrays, at most half full, so a lookup is one hash and a
 * couple of array reads and allocates nothing. The control thread builds a new one on every
 * endpoint change and publishes it copy-on-write ({@link Endpoints}).
 */
final class AddressMap {
    static final AddressMap EMPTY = new AddressMap(new long[0][], new int[0]);
    /** Returned for an address that belongs to no endpoint. */
    static final int NONE = -1;

    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int size;

    /**
     * @param addresses {hi, lo} pairs
     * @param endpoints the endpoint index of each address (>= 0); a later duplicate address wins
     */
    AddressMap(long[][] addresses, int[] endpoints) {
        if (addresses.length != endpoints.length) {
            throw new IllegalArgumentException(addresses.length + " addresses but " + endpoints.length + " endpoints");
        }
        int slots = Integer.highestOneBit(Math.max(4, addresses.length * 2 - 1)) << 1;
        this.keys = new long[slots * 2];
        this.values = new int[slots];
        this.mask = slots - 1;
        Arrays.fill(values, NONE);
        int n = 0;
        for (int i = 0; i < addresses.length; i++) {
            if (endpoints[i] < 0) {
                throw new IllegalArgumentException("endpoint index must be >= 0, was " + endpoints[i]);
            }
            long hi = addresses[i][0];
            long lo = addresses[i][1];
            int s = slot(hi, lo);
            while (values[s] != NONE && (keys[2 * s] != hi || keys[2 * s + 1] != lo)) {
                s = (s + 1) & mask;
            }
            if (values[s] == NONE) {
                n++;
            }
            keys[2 * s] = hi;
            keys[2 * s + 1] = lo;
            values[s] = endpoints[i];
        }
        this.size = n;
    }

    private int slot(long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        return (int) h & mask;
    }

    /** The endpoint index of the address, or {@link #NONE}. */
    int get(long hi, long lo) {
        int s = slot(hi, lo);
        while (true) {
            int v = values[s];
            if (v == NONE || (keys[2 * s] == hi && keys[2 * s + 1] == lo)) {
                return v;
            }
            s = (s + 1) & mask;
        }
    }

    int size() {
        return size;
    }
}
