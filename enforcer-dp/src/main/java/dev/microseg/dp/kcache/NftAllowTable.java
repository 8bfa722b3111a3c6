package dev.microseg.dp.kcache;

import dev.microseg.dp.intercept.Commands;
import dev.microseg.dp.intercept.MarkBits;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The kernel objects of the allow cache, set up and torn down with the {@code nft} CLI (as the
 * intercept rules use iptables-restore): table {@code inet NAME} with two timed sets and three base
 * chains.
 *
 * <pre>
 * set allow4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags timeout; timeout 60s; size 65536 }
 * set allow6 { the same with ipv6_addr }
 * chain forward/input/output { type filter hook H priority filter - 10; policy accept;
 *   ct state new ip saddr . ip daddr . meta l4proto . th dport @allow4
 *     meta mark set meta mark &amp; ~MASK | ACCEPT }
 * </pre>
 *
 * <p>A lookup only, no {@code update} refreshing the timeout on use: a dynset update inserts an
 * element that is missing, so a packet that passed the lookup on one CPU while a flush committed
 * on another could put a key of the old policy back after the flush. So an entry lives at most
 * {@link #ENTRY_TIMEOUT} after the dp added it; the next connection after that goes through user
 * space once and the dp adds the key again.
 *
 * <p>Why a packet mark in a base chain before the iptables-nft filter chains (priority 0), and not
 * a verdict: in nftables an {@code accept} in one base chain does not stop the later base chains
 * of the same hook, so the iptables chain runs anyway. It then finds what a dp verdict would have
 * left: the packet mark ACCEPT, which its rules 3-4 ({@code IptablesScript}) save into the ct mark
 * and accept; from then on rule 1 accepts the rest of the connection. Native nft lookups need no
 * ipset and no extra iptables match, and the sets take elements over plain nf_tables netlink
 * ({@link NftSetCodec}). Only {@code ct state new} packets are looked up: the first packet of a
 * connection, and the later ones of one-way UDP, whose ct mark already says ACCEPT anyway.
 *
 * <p>A started dp replaces whatever an earlier run left ({@link #installScript} deletes and
 * re-creates the table in one transaction); a clean stop deletes it ({@link #remove}).
 */
public final class NftAllowTable {
    /**
     * Lifetime of an entry from the moment the dp adds it (never refreshed in the kernel): long
     * enough that a client opening connections again and again to one service stays in the kernel
     * but for one queued connection a minute, short enough that the set does not keep every pair
     * seen in a day; a policy change empties the set anyway.
     */
    public static final Duration ENTRY_TIMEOUT = Duration.ofSeconds(60);
    /** Elements per set: each costs the kernel ~100-200 bytes; a full set makes adds fail (counted). */
    public static final int SET_SIZE = 65536;
    /** Runs before the iptables-nft filter chains (priority filter = 0) of the same hooks. */
    public static final int PRIORITY_BEFORE_FILTER = -10;
    public static final String SET4 = "allow4";
    public static final String SET6 = "allow6";
    static final List<String> HOOKS = List.of("forward", "input", "output");

    private NftAllowTable() {
    }

    /** The table's name for an intercept chain prefix: {@code MICROSEG-DP} gives {@code microseg_dp_kcache}. */
    public static String tableName(String chainPrefix) {
        return chainPrefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_kcache";
    }

    /** The {@code nft -f} input that replaces any earlier table of this name with an empty cache. */
    public static String installScript(String table, MarkBits marks) {
        long ttl = ENTRY_TIMEOUT.toSeconds();
        String keep = "0x" + Integer.toHexString(~marks.mask());
        String accept = "0x" + Integer.toHexString(marks.accept());
        StringBuilder s = new StringBuilder();
        s.append("table inet ").append(table).append(" {}\n");
        s.append("delete table inet ").append(table).append('\n');
        s.append("table inet ").append(table).append(" {\n");
        s.append("  set ").append(SET4).append(" { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags timeout; ")
                .append("timeout ").append(ttl).append("s; size ").append(SET_SIZE).append("; }\n");
        s.append("  set ").append(SET6).append(" { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags timeout; ")
                .append("timeout ").append(ttl).append("s; size ").append(SET_SIZE).append("; }\n");
        for (String hook : HOOKS) {
            s.append("  chain ").append(hook).append(" { type filter hook ").append(hook).append(" priority ")
                    .append(PRIORITY_BEFORE_FILTER).append("; policy accept;\n");
            lookup(s, "ip", SET4, keep, accept);
            lookup(s, "ip6", SET6, keep, accept);
            s.append("  }\n");
        }
        return s.append("}\n").toString();
    }

    private static void lookup(StringBuilder s, String family, String set, String keep, String accept) {
        String key = family + " saddr . " + family + " daddr . meta l4proto . th dport";
        s.append("    ct state new ").append(key).append(" @").append(set).append(" meta mark set meta mark & ")
                .append(keep).append(" | ").append(accept).append('\n');
    }

    /** Creates the table (replacing an earlier run's). */
    public static void install(List<String> commandPrefix, String table, MarkBits marks) throws IOException {
        Commands.check("installing the nft table inet " + table + " (kernel allow cache)",
                Commands.with(commandPrefix, "nft", "-f", "-"), installScript(table, marks));
    }

    /** Deletes the table if it exists; true when there was one. */
    public static boolean remove(List<String> commandPrefix, String table) throws IOException {
        if (!exists(commandPrefix, table)) {
            return false;
        }
        Commands.check("deleting the nft table inet " + table, Commands.with(commandPrefix, "nft", "delete", "table",
                "inet", table), null);
        return true;
    }

    public static boolean exists(List<String> commandPrefix, String table) throws IOException {
        return Commands.run(Commands.with(commandPrefix, "nft", "list", "table", "inet", table), null,
                Commands.DEFAULT_TIMEOUT).ok();
    }
}
