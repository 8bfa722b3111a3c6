package dev.microseg.dp.engine;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.MacAddress;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workload endpoints the agent announced ({@code ctrl_add_mac}): each MAC gets a small index
 * (the slot of its policy in {@link dev.microseg.dp.policy.PolicyTable}, stored in sessions), and
 * each of its addresses maps to that index.
 *
 * <p>Written by the control thread only; read by every thread through {@link Snapshot}, an
 * immutable view published with one volatile write after each change (copy-on-write), so the
 * packet path's {@link #lookup} is a volatile read and an allocation-free {@link AddressMap} probe.
 */
final class Endpoints {
    /** An endpoint and the index it was given. */
    record Entry(int index, Endpoint endpoint) {
        MacAddress mac() {
            return endpoint.mac();
        }
    }

    /** What every thread reads: the address map and, per index, the endpoint's MAC. */
    record Snapshot(AddressMap addresses, MacAddress[] macs, int count) {
        static final Snapshot EMPTY = new Snapshot(AddressMap.EMPTY, new MacAddress[0], 0);

        MacAddress mac(int index) {
            return index >= 0 && index < macs.length ? macs[index] : null;
        }
    }

    private final int capacity;
    private final Map<MacAddress, Entry> byMac = new LinkedHashMap<>();
    private final BitSet used = new BitSet();
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** @param capacity the most endpoints at once (the policy table's size) */
    Endpoints(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** The endpoint index owning the address, or {@link AddressMap#NONE}. Any thread, allocation-free. */
    int lookup(long hi, long lo) {
        return snapshot.addresses().get(hi, lo);
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Adds the endpoint or replaces the one with its MAC (keeping its index).
     *
     * @return the entry, or empty when every index is taken
     */
    Optional<Entry> put(Endpoint e) {
        Entry old = byMac.get(e.mac());
        int index;
        if (old != null) {
            index = old.index();
        } else {
            index = used.nextClearBit(0);
            if (index >= capacity) {
                return Optional.empty();
            }
            used.set(index);
        }
        Entry entry = new Entry(index, e);
        byMac.put(e.mac(), entry);
        publish();
        return Optional.of(entry);
    }

    /** Removes the endpoint with this MAC; its index is free again. */
    Optional<Entry> remove(MacAddress mac) {
        Entry e = byMac.remove(mac);
        if (e != null) {
            used.clear(e.index());
            publish();
        }
        return Optional.ofNullable(e);
    }

    Optional<Entry> get(MacAddress mac) {
        return Optional.ofNullable(byMac.get(mac));
    }

    List<Entry> all() {
        return List.copyOf(byMac.values());
    }

    int size() {
        return byMac.size();
    }

    /** Every address of every endpoint: the set the intercept rules must queue. */
    List<InetAddress> addresses() {
        List<InetAddress> all = new ArrayList<>();
        for (Entry e : byMac.values()) {
            for (IpAddress ip : e.endpoint().pips()) {
                InetAddress a = ip.toInetAddress();
                if (!all.contains(a)) {
                    all.add(a);
                }
            }
        }
        return all;
    }

    private void publish() {
        List<long[]> addrs = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        MacAddress[] macs = new MacAddress[capacity];
        for (Entry e : byMac.values()) {
            macs[e.index()] = e.mac();
            for (IpAddress ip : e.endpoint().pips()) {
                addrs.add(toDp(ip));
                owners.add(e.index());
            }
        }
        snapshot = new Snapshot(new AddressMap(addrs.toArray(long[][]::new),
                owners.stream().mapToInt(Integer::intValue).toArray()), macs, byMac.size());
    }

    /** The protocol's address (IPv4 in the low 32 bits) in the dp's form (IPv4-mapped IPv6). */
    static long[] toDp(IpAddress ip) {
        return ip.v6() ? new long[] {ip.hi(), ip.lo()} : new long[] {0, Addresses.v4Lo((int) ip.lo())};
    }

    /** The dp's form back to the protocol's. */
    static IpAddress toProtocol(long hi, long lo) {
        return Addresses.isV4Mapped(hi, lo) ? IpAddress.v4((int) lo) : IpAddress.v6(hi, lo);
    }
}
