package dev.microseg.dp.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes one command datagram (JSON, see docs/dp-protocol.md) into a {@link ControlCommand}.
 * Strict: exactly one top-level key, no unknown, duplicate or missing fields, integers only where
 * numbers are expected, every bound of {@link ProtocolLimits} enforced. Whatever the bytes, the
 * result is a command or a {@link ControlException} naming the field and the reason.
 *
 * <p>Thread-safe and allocation-light: a hand-written pull decoder over Jackson's streaming parser.
 */
public final class ControlDecoder {
    /** Jackson with the limits that matter for untrusted input; the JSON features stay at their strict defaults. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(ProtocolLimits.MAX_JSON_DEPTH)
                    .maxStringLength(ProtocolLimits.MAX_JSON_STRING)
                    .maxNumberLength(20)
                    .maxNameLength(64)
                    .maxDocumentLength(ProtocolLimits.MAX_DATAGRAM)
                    .build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final String[] SEQ = {"seq_num"};
    private static final String[] SYNC = {"gen", "phase"};
    private static final String[] ENDPOINT = {"iface", "mac", "ucmac", "bcmac", "pmac", "pips"};
    private static final String[] PIP = {"ip"};
    private static final String[] POLICY = {"cmd", "flag", "defact", "dir", "mac", "rules"};
    private static final String[] RULE = {"id", "sip", "sipr", "dip", "dipr", "port", "portr", "proto", "action",
        "ingress", "fqdn", "vhost", "apps"};
    private static final String[] APP = {"rid", "app", "action"};
    private static final String[] NET = {"flag", "subnet_addr"};
    private static final String[] SUBNET = {"ip", "mask"};
    private static final String[] SYS = {"fail_open", "report_interval", "tcp_rst_on_deny", "max_sessions",
        "tcp_idle_timeout", "udp_idle_timeout", "icmp_idle_timeout"};

    private static final long ALL_SYS = (1L << SYS.length) - 1;
    private static final long RULE_REQUIRED = bits(0, 1, 3, 5, 6, 7, 8, 9);

    private ControlDecoder() {
    }

    public static ControlCommand decode(byte[] datagram) throws ControlException {
        return decode(datagram, 0, datagram.length);
    }

    /** Decodes {@code len} bytes at {@code off}. */
    public static ControlCommand decode(byte[] buf, int off, int len) throws ControlException {
        if (len > ProtocolLimits.MAX_DATAGRAM) {
            throw new ControlException(ControlError.OVERSIZE, "",
                    len + " bytes, at most " + ProtocolLimits.MAX_DATAGRAM + " in one datagram");
        }
        if (len == 0) {
            throw new ControlException(ControlError.MALFORMED_JSON, "", "empty datagram");
        }
        // RFC 8259 section 8.1: JSON between systems is UTF-8. Jackson would sniff UTF-16/32 from NULs or a
        // byte-order mark in the first four bytes; none of those bytes can start a UTF-8 JSON object.
        for (int i = off; i < off + Math.min(len, 4); i++) {
            int b = buf[i] & 0xFF;
            if (b == 0 || b >= 0xFE) {
                throw new ControlException(ControlError.MALFORMED_JSON, "", "not UTF-8 JSON (byte 0x"
                        + Integer.toHexString(b) + " at offset " + (i - off) + ")");
            }
        }
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            JsonIn in = new JsonIn(p);
            try {
                in.beginObject();
            } catch (ControlException e) {
                throw new ControlException(e.error(), "", "a command is a JSON object with one key: " + e.reason());
            }
            String key = in.nextName();
            if (key == null) {
                throw new ControlException(ControlError.NOT_ONE_COMMAND, "", "no command key in the object");
            }
            ControlCommand cmd = switch (key) {
                case CtrlKeepAlive.KEY -> new CtrlKeepAlive(seqOnly(in));
                case CtrlStats.KEY -> new CtrlStats(seqOnly(in));
                case CtrlSync.KEY -> sync(in);
                case CtrlAddMac.KEY -> new CtrlAddMac(endpoint(in));
                case CtrlDelMac.KEY -> new CtrlDelMac(endpoint(in));
                case CtrlCfgMac.KEY -> new CtrlCfgMac(endpoint(in));
                case CtrlCfgPolicy.KEY -> policy(in);
                case CtrlCfgInternalNet.KEY -> internalNet(in);
                case CtrlSysConf.KEY -> sysConf(in);
                default -> throw new ControlException(ControlError.UNKNOWN_COMMAND, "",
                        "unknown command " + Text.quote(key) + " (known: " + String.join(", ", CommandKeys.ALL) + ")");
            };
            String second = in.nextName();
            if (second != null) {
                throw new ControlException(ControlError.NOT_ONE_COMMAND, "",
                        "more than one top-level key: " + key + " and " + Text.quote(second));
            }
            in.end();
            return cmd;
        } catch (IOException e) {
            throw new ControlException(ControlError.MALFORMED_JSON, "", JsonIn.describe(e));
        } catch (InvalidFieldException e) {
            // Only thrown outside an object reader if a record check slipped through; still a clean error.
            throw new ControlException(e.error(), e.field(), e.reason());
        }
    }

    private static long bits(int... idx) {
        long b = 0;
        for (int i : idx) {
            b |= 1L << i;
        }
        return b;
    }

    private static long seqOnly(JsonIn in) throws ControlException {
        in.beginObject();
        long seq = 0;
        while (in.nextField(SEQ) >= 0) {
            seq = in.u32();
        }
        in.endObject(SEQ, 1);
        return seq;
    }

    private static CtrlSync sync(JsonIn in) throws ControlException {
        in.beginObject();
        long gen = 0;
        SyncPhase phase = null;
        int f;
        while ((f = in.nextField(SYNC)) >= 0) {
            switch (f) {
                case 0 -> gen = in.u32();
                default -> {
                    long c = in.code();
                    phase = SyncPhase.fromCode(c);
                    if (phase == null) {
                        throw in.unknownCode(c, SyncPhase.codes());
                    }
                }
            }
        }
        in.endObject(SYNC, 0b11);
        try {
            return new CtrlSync(gen, phase);
        } catch (InvalidFieldException e) {
            throw in.invalid(e);
        }
    }

    private static Endpoint endpoint(JsonIn in) throws ControlException {
        in.beginObject();
        String iface = null;
        MacAddress mac = null;
        Optional<MacAddress> uc = Optional.empty();
        Optional<MacAddress> bc = Optional.empty();
        Optional<MacAddress> pm = Optional.empty();
        List<IpAddress> pips = List.of();
        int f;
        while ((f = in.nextField(ENDPOINT)) >= 0) {
            switch (f) {
                case 0 -> iface = in.string();
                case 1 -> mac = in.mac();
                case 2 -> uc = Optional.of(in.mac());
                case 3 -> bc = Optional.of(in.mac());
                case 4 -> pm = Optional.of(in.mac());
                default -> pips = pips(in);
            }
        }
        in.endObject(ENDPOINT, 0b11);
        try {
            return new Endpoint(iface, mac, uc, bc, pm, pips);
        } catch (InvalidFieldException e) {
            throw in.invalid(e);
        }
    }

    private static List<IpAddress> pips(JsonIn in) throws ControlException {
        List<IpAddress> out = new ArrayList<>(2);
        in.beginArray();
        while (in.nextElement(ProtocolLimits.MAX_PIPS)) {
            in.beginObject();
            IpAddress ip = null;
            while (in.nextField(PIP) >= 0) {
                ip = in.ip();
            }
            in.endObject(PIP, 1);
            out.add(ip);
        }
        return out;
    }

    private static CtrlCfgPolicy policy(JsonIn in) throws ControlException {
        in.beginObject();
        PolicyCmd cmd = null;
        int flag = 0;
        RuleAction defact = null;
        PolicyDir dir = null;
        List<MacAddress> macs = List.of();
        List<PolicyRule> rules = List.of();
        int f;
        while ((f = in.nextField(POLICY)) >= 0) {
            switch (f) {
                case 0 -> {
                    long c = in.code();
                    cmd = PolicyCmd.fromCode(c);
                    if (cmd == null) {
                        throw in.unknownCode(c, PolicyCmd.codes());
                    }
                }
                case 1 -> flag = (int) in.integer(0, BatchFlags.WHOLE);
                case 2 -> defact = action(in);
                case 3 -> {
                    long c = in.code();
                    dir = PolicyDir.fromCode(c);
                    if (dir == null) {
                        throw in.unknownCode(c, PolicyDir.codes());
                    }
                }
                case 4 -> {
                    macs = new ArrayList<>(1);
                    in.beginArray();
                    while (in.nextElement(ProtocolLimits.MAX_MACS_PER_POLICY)) {
                        macs.add(in.mac());
                    }
                }
                default -> {
                    rules = new ArrayList<>(ProtocolLimits.RULES_PER_BATCH);
                    in.beginArray();
                    while (in.nextElement(ProtocolLimits.RULES_PER_BATCH)) {
                        rules.add(rule(in));
                    }
                }
            }
        }
        in.endObject(POLICY, bits(0, 1, 2, 3, 4, 5));
        try {
            return new CtrlCfgPolicy(cmd, flag, defact, dir, macs, rules);
        } catch (InvalidFieldException e) {
            throw in.invalid(e);
        }
    }

    private static RuleAction action(JsonIn in) throws ControlException {
        long c = in.code();
        RuleAction a = RuleAction.fromCode(c);
        if (a == null) {
            throw in.unknownCode(c, RuleAction.codes());
        }
        return a;
    }

    private static PolicyRule rule(JsonIn in) throws ControlException {
        in.beginObject();
        long id = 0;
        IpAddress sip = null;
        IpAddress sipr = null;
        IpAddress dip = null;
        IpAddress dipr = null;
        int port = 0;
        int portr = 0;
        IpProto proto = null;
        RuleAction action = null;
        boolean ingress = false;
        Optional<String> fqdn = Optional.empty();
        boolean vhost = false;
        List<RuleApp> apps = List.of();
        int f;
        while ((f = in.nextField(RULE)) >= 0) {
            switch (f) {
                case 0 -> id = in.u32();
                case 1 -> sip = in.ip();
                case 2 -> sipr = in.ip();
                case 3 -> dip = in.ip();
                case 4 -> dipr = in.ip();
                case 5 -> port = in.u16();
                case 6 -> portr = in.u16();
                case 7 -> {
                    long c = in.code();
                    proto = IpProto.fromCode(c);
                    if (proto == null) {
                        throw in.unknownCode(c, IpProto.codes());
                    }
                }
                case 8 -> action = action(in);
                case 9 -> ingress = in.bool();
                case 10 -> fqdn = Optional.of(in.string());
                case 11 -> vhost = in.bool();
                default -> apps = apps(in);
            }
        }
        in.endObject(RULE, RULE_REQUIRED);
        try {
            return new PolicyRule(id, sip, sipr == null ? sip : sipr, dip, dipr == null ? dip : dipr, port, portr,
                    proto, action, ingress, fqdn, vhost, apps);
        } catch (InvalidFieldException e) {
            throw in.invalid(e);
        }
    }

    private static List<RuleApp> apps(JsonIn in) throws ControlException {
        List<RuleApp> out = new ArrayList<>(2);
        in.beginArray();
        while (in.nextElement(ProtocolLimits.MAX_APPS_PER_RULE)) {
            in.beginObject();
            long rid = 0;
            long app = 0;
            RuleAction action = null;
            int f;
            while ((f = in.nextField(APP)) >= 0) {
                switch (f) {
                    case 0 -> rid = in.u32();
                    case 1 -> app = in.u32();
                    default -> action = action(in);
                }
            }
            in.endObject(APP, 0b111);
            try {
                out.add(new RuleApp(rid, app, action));
            } catch (InvalidFieldException e) {
                throw in.invalid(e);
            }
        }
        return out;
    }

    private static CtrlCfgInternalNet internalNet(JsonIn in) throws ControlException {
        in.beginObject();
        int flag = 0;
        List<Subnet> subnets = List.of();
        int f;
        while ((f = in.nextField(NET)) >= 0) {
            if (f == 0) {
                flag = (int) in.integer(0, BatchFlags.WHOLE);
                continue;
            }
            subnets = new ArrayList<>();
            in.beginArray();
            while (in.nextElement(ProtocolLimits.SUBNETS_PER_BATCH)) {
                in.beginObject();
                IpAddress ip = null;
                IpAddress mask = null;
                int g;
                while ((g = in.nextField(SUBNET)) >= 0) {
                    if (g == 0) {
                        ip = in.ip();
                    } else {
                        mask = in.ip();
                    }
                }
                in.endObject(SUBNET, 0b11);
                try {
                    subnets.add(new Subnet(ip, mask));
                } catch (InvalidFieldException e) {
                    throw in.invalid(e);
                }
            }
        }
        in.endObject(NET, 0b11);
        try {
            return new CtrlCfgInternalNet(flag, subnets);
        } catch (InvalidFieldException e) {
            throw in.invalid(e);
        }
    }

    private static CtrlSysConf sysConf(JsonIn in) throws ControlException {
        in.beginObject();
        boolean failOpen = false;
        boolean rst = false;
        long[] n = new long[SYS.length];
        int f;
        while ((f = in.nextField(SYS)) >= 0) {
            switch (f) {
                case 0 -> failOpen = in.bool();
                case 2 -> rst = in.bool();
                default -> n[f] = in.integer(0, Integer.MAX_VALUE);
            }
        }
        in.endObject(SYS, ALL_SYS);
        try {
            return new CtrlSysConf(failOpen, (int) n[1], rst, (int) n[3], (int) n[4], (int) n[5], (int) n[6]);
        } catch (InvalidFieldException e) {
            throw in.invalid(e);
        }
    }
}
