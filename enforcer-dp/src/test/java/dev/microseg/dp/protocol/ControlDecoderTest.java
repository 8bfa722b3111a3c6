package dev.microseg.dp.protocol;

import static dev.microseg.dp.protocol.Samples.ip;
import static dev.microseg.dp.protocol.Samples.j;
import static dev.microseg.dp.protocol.Samples.mac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command decodes to the expected record and round-trips; every validation error names its field. */
class ControlDecoderTest {

    static Stream<Arguments> validCommands() {
        PolicyRule full = new PolicyRule(7, ip("10.1.0.0"), ip("10.1.255.255"), ip("172.17.0.2"), ip("172.17.0.2"),
                8000, 8080, IpProto.TCP, RuleAction.ALLOW, true, Optional.of("*.example.com"), true,
                List.of(new RuleApp(70, 1001, RuleAction.ALLOW), new RuleApp(71, 1002, RuleAction.DENY)));
        PolicyRule any6 = new PolicyRule(8, ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ip("fd00::2"),
                ip("fd00::2"), 0, 65535, IpProto.ANY, RuleAction.VIOLATE, false);
        return Stream.of(
                arguments("keep alive", j("{'ctrl_keep_alive':{'seq_num':4294967295}}"), new CtrlKeepAlive(4_294_967_295L)),
                arguments("stats", j("{'ctrl_stats':{'seq_num':0}}"), new CtrlStats(0)),
                arguments("sync begin", j("{'ctrl_sync':{'gen':12,'phase':1}}"), new CtrlSync(12, SyncPhase.BEGIN)),
                arguments("sync end", j("{'ctrl_sync':{'phase':2,'gen':12}}"), new CtrlSync(12, SyncPhase.END)),
                arguments("add mac, every field", j("""
                        {'ctrl_add_mac':{'iface':'veth1a2b','mac':'02:42:AC:11:00:02','ucmac':'4e:65:75:56:00:01',
                         'bcmac':'ff:ff:ff:ff:ff:ff','pmac':'4e:65:75:56:00:02',
                         'pips':[{'ip':'172.17.0.2'},{'ip':'fd00::2'}]}}"""),
                        new CtrlAddMac(new Endpoint("veth1a2b", mac("02:42:ac:11:00:02"), Optional.of(mac("4e:65:75:56:00:01")),
                                Optional.of(mac("ff:ff:ff:ff:ff:ff")), Optional.of(mac("4e:65:75:56:00:02")),
                                List.of(ip("172.17.0.2"), ip("fd00::2"))))),
                arguments("del mac, minimal", j("{'ctrl_del_mac':{'iface':'eth0','mac':'02:42:ac:11:00:02'}}"),
                        new CtrlDelMac(new Endpoint("eth0", mac("02:42:ac:11:00:02"), List.of()))),
                arguments("cfg mac", j("{'ctrl_cfg_mac':{'iface':'cali12','mac':'02:42:ac:11:00:02','pips':[{'ip':'10.0.0.9'}]}}"),
                        new CtrlCfgMac(new Endpoint("cali12", mac("02:42:ac:11:00:02"), List.of(ip("10.0.0.9"))))),
                arguments("cfg policy with ranges, fqdn, vhost, apps and IPv6", j("""
                        {'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02','02:42:ac:11:00:03'],
                         'rules':[{'id':7,'sip':'10.1.0.0','sipr':'10.1.255.255','dip':'172.17.0.2','port':8000,'portr':8080,
                                   'proto':6,'action':1,'ingress':true,'fqdn':'*.example.com','vhost':true,
                                   'apps':[{'rid':70,'app':1001,'action':1},{'rid':71,'app':1002,'action':2}]},
                                  {'id':8,'sip':'::','sipr':'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff','dip':'fd00::2',
                                   'dipr':'fd00:0:0:0:0:0:0:2','port':0,'portr':65535,'proto':0,'action':4,'ingress':false}]}}"""),
                        new CtrlCfgPolicy(PolicyCmd.ADD, 3, RuleAction.DENY, PolicyDir.BOTH,
                                List.of(mac("02:42:ac:11:00:02"), mac("02:42:ac:11:00:03")), List.of(full, any6))),
                arguments("cfg policy delete", j("{'ctrl_cfg_policy':{'cmd':2,'flag':3,'defact':1,'dir':1,'mac':['02:42:ac:11:00:02'],'rules':[]}}"),
                        new CtrlCfgPolicy(PolicyCmd.DELETE, 3, RuleAction.ALLOW, PolicyDir.INGRESS, List.of(mac("02:42:ac:11:00:02")), List.of())),
                arguments("internal net", j("""
                        {'ctrl_cfg_internal_net':{'flag':3,'subnet_addr':[{'ip':'10.0.0.0','mask':'255.0.0.0'},
                         {'ip':'fd00::','mask':'ff00::'},{'ip':'192.168.1.7','mask':'255.255.255.255'}]}}"""),
                        new CtrlCfgInternalNet(3, List.of(Subnet.of(ip("10.0.0.0"), 8), Subnet.of(ip("fd00::"), 8),
                                Subnet.of(ip("192.168.1.7"), 32)))),
                arguments("sys conf", j("""
                        {'ctrl_sys_conf':{'fail_open':false,'report_interval':5,'tcp_rst_on_deny':true,'max_sessions':262144,
                         'tcp_idle_timeout':3600,'udp_idle_timeout':60,'icmp_idle_timeout':30}}"""),
                        new CtrlSysConf(false, 5, true, 262_144, 3600, 60, 30)),
                arguments("whitespace around everything", " \n{ \"ctrl_keep_alive\" : { \"seq_num\" : 1 } }\n ", new CtrlKeepAlive(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validCommands")
    void decodesValidCommand(String name, String json, ControlCommand expected) throws ControlException {
        ControlCommand got = ControlDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(got).isEqualTo(expected);
        assertThat(got.key()).isEqualTo(json.substring(json.indexOf('"') + 1, json.indexOf('"', json.indexOf('"') + 1)));
        assertThat(ControlDecoder.decode(ControlEncoder.encode(got))).isEqualTo(expected);
    }

    private static final String POLICY_HEAD = "{'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02'],'rules':[";
    private static final String RULE = "'id':1,'sip':'10.0.0.1','dip':'10.0.0.2','port':80,'portr':80,'proto':6,'action':1,'ingress':true";
    private static final String ADD_MAC = "{'ctrl_add_mac':{'iface':'eth0','mac':'02:42:ac:11:00:02',";
    private static final String SYS = "'report_interval':5,'tcp_rst_on_deny':true,'max_sessions':262144,'tcp_idle_timeout':3600,'udp_idle_timeout':60,'icmp_idle_timeout':30";

    /** A policy with one rule whose fields are RULE overridden by {@code extra} (later keys replace nothing: use {@link #ruleWith}). */
    private static String policyRule(String ruleBody) {
        return j(POLICY_HEAD + "{" + ruleBody + "}]}}");
    }

    /** RULE with one field replaced (or removed when value is null) or added. */
    private static String ruleWith(String field, String value) {
        StringBuilder b = new StringBuilder();
        boolean replaced = false;
        for (String kv : RULE.split(",")) {
            if (kv.startsWith("'" + field + "':")) {
                replaced = true;
                if (value != null) {
                    b.append(b.isEmpty() ? "" : ",").append("'").append(field).append("':").append(value);
                }
            } else {
                b.append(b.isEmpty() ? "" : ",").append(kv);
            }
        }
        if (!replaced && value != null) {
            b.append(",'").append(field).append("':").append(value);
        }
        return policyRule(b.toString());
    }

    static Stream<Arguments> invalidCommands() {
        return Stream.of(
                // whole datagram
                arguments("empty datagram", "", ControlError.MALFORMED_JSON, "", "empty"),
                arguments("not JSON", "hello", ControlError.MALFORMED_JSON, "", "Unrecognized token"),
                arguments("top-level array", "[1]", ControlError.WRONG_TYPE, "", "expected an object"),
                arguments("no key", "{}", ControlError.NOT_ONE_COMMAND, "", "no command key"),
                arguments("two keys", j("{'ctrl_keep_alive':{'seq_num':1},'ctrl_stats':{'seq_num':1}}"),
                        ControlError.NOT_ONE_COMMAND, "", "more than one top-level key"),
                arguments("unknown command", j("{'ctrl_add_tap_port':{}}"), ControlError.UNKNOWN_COMMAND, "", "ctrl_add_tap_port"),
                arguments("trailing data", j("{'ctrl_keep_alive':{'seq_num':1}} {}"), ControlError.MALFORMED_JSON, "", "trailing"),
                arguments("truncated", j("{'ctrl_keep_alive':{'seq_num':1"), ControlError.MALFORMED_JSON, "ctrl_keep_alive.seq_num", "end-of-input"),
                arguments("comment", "/* hi */" + j("{'ctrl_keep_alive':{'seq_num':1}}"), ControlError.MALFORMED_JSON, "", "comment"),
                arguments("single quotes", "{'ctrl_keep_alive':{'seq_num':1}}", ControlError.MALFORMED_JSON, "", "'"),
                arguments("UTF-16", "{\u0000\"\u0000", ControlError.MALFORMED_JSON, "", "not UTF-8 JSON (byte 0x0 at offset 1)"),
                arguments("byte-order mark", "\u00fe\u00ff{}", ControlError.MALFORMED_JSON, "", "not UTF-8 JSON (byte 0xfe at offset 0)"),
                arguments("invalid UTF-8", "{\"ctrl_del_mac\":{\"iface\":\"e\u00ff\"}}", ControlError.MALFORMED_JSON, "ctrl_del_mac.iface", "UTF-8"),
                // types and ranges
                arguments("command body not an object", j("{'ctrl_keep_alive':5}"), ControlError.WRONG_TYPE, "ctrl_keep_alive", "expected an object"),
                arguments("unknown field", j("{'ctrl_keep_alive':{'seq_num':1,'bogus':2}}"), ControlError.UNKNOWN_FIELD, "ctrl_keep_alive.bogus", "unknown field"),
                arguments("duplicate field", j("{'ctrl_keep_alive':{'seq_num':1,'seq_num':2}}"), ControlError.DUPLICATE_FIELD, "ctrl_keep_alive.seq_num", "twice"),
                arguments("missing field", j("{'ctrl_keep_alive':{}}"), ControlError.MISSING_FIELD, "ctrl_keep_alive.seq_num", "required"),
                arguments("string for integer", j("{'ctrl_keep_alive':{'seq_num':'1'}}"), ControlError.WRONG_TYPE, "ctrl_keep_alive.seq_num", "found a string"),
                arguments("float for integer", j("{'ctrl_keep_alive':{'seq_num':1.5}}"), ControlError.WRONG_TYPE, "ctrl_keep_alive.seq_num", "non-integer"),
                arguments("null", j("{'ctrl_keep_alive':{'seq_num':null}}"), ControlError.WRONG_TYPE, "ctrl_keep_alive.seq_num", "found null"),
                arguments("negative u32", j("{'ctrl_stats':{'seq_num':-1}}"), ControlError.OUT_OF_RANGE, "ctrl_stats.seq_num", "-1 is outside 0..4294967295"),
                arguments("u32 overflow", j("{'ctrl_stats':{'seq_num':4294967296}}"), ControlError.OUT_OF_RANGE, "ctrl_stats.seq_num", "outside"),
                arguments("big integer", j("{'ctrl_stats':{'seq_num':123456789012345678901}}"), ControlError.MALFORMED_JSON, "ctrl_stats.seq_num", "Number value length"),
                arguments("leading zero", j("{'ctrl_stats':{'seq_num':007}}"), ControlError.MALFORMED_JSON, "ctrl_stats.seq_num", "Leading zeroes"),
                arguments("unknown sync phase", j("{'ctrl_sync':{'gen':1,'phase':3}}"), ControlError.INVALID_VALUE, "ctrl_sync.phase", "unknown value 3 (want 1 begin, 2 end)"),
                // endpoints
                arguments("bad MAC", j(ADD_MAC.replace("02:42:ac:11:00:02", "02:42:ac:11:00") + "'pips':[]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.mac", "not a MAC address"),
                arguments("MAC with non-hex digit", j(ADD_MAC.replace("02:42:ac:11:00:02", "02:42:ac:11:00:0g") + "'pips':[]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.mac", "not a MAC address"),
                arguments("bad ucmac", j(ADD_MAC + "'ucmac':'x'}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.ucmac", "not a MAC address"),
                arguments("bad pip", j(ADD_MAC + "'pips':[{'ip':'10.0.0.1'},{'ip':'10.0.0.256'}]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.pips[1].ip", "not an IP address"),
                arguments("pip with leading zero", j(ADD_MAC + "'pips':[{'ip':'10.0.0.01'}]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.pips[0].ip", "not an IP address"),
                arguments("pip host name", j(ADD_MAC + "'pips':[{'ip':'localhost'}]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.pips[0].ip", "not an IP address"),
                arguments("pip with two ::", j(ADD_MAC + "'pips':[{'ip':'fd00::1::2'}]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.pips[0].ip", "not an IP address"),
                arguments("duplicate pip", j(ADD_MAC + "'pips':[{'ip':'10.0.0.1'},{'ip':'10.0.0.1'}]}}"), ControlError.INVALID_VALUE, "ctrl_add_mac.pips[1]", "duplicate"),
                arguments("too many pips", j(ADD_MAC + "'pips':[" + "{'ip':'10.0.0.1'},".repeat(64) + "{'ip':'10.0.0.2'}]}}"), ControlError.TOO_MANY, "ctrl_add_mac.pips", "more than 64"),
                arguments("pip not an object", j(ADD_MAC + "'pips':['10.0.0.1']}}"), ControlError.WRONG_TYPE, "ctrl_add_mac.pips[0]", "expected an object"),
                arguments("missing iface", j("{'ctrl_add_mac':{'mac':'02:42:ac:11:00:02'}}"), ControlError.MISSING_FIELD, "ctrl_add_mac.iface", "required"),
                arguments("iface too long", j("{'ctrl_add_mac':{'iface':'abcdefghijklmnop','mac':'02:42:ac:11:00:02'}}"), ControlError.OUT_OF_RANGE, "ctrl_add_mac.iface", "IFNAMSIZ"),
                arguments("iface with slash", j("{'ctrl_cfg_mac':{'iface':'a/b','mac':'02:42:ac:11:00:02'}}"), ControlError.INVALID_VALUE, "ctrl_cfg_mac.iface", "not a Linux interface name"),
                arguments("oversize string", j("{'ctrl_del_mac':{'iface':'" + "x".repeat(5000) + "','mac':'02:42:ac:11:00:02'}}"), ControlError.MALFORMED_JSON, "ctrl_del_mac.iface", "String value length"),
                // policy header
                arguments("unknown cmd", j("{'ctrl_cfg_policy':{'cmd':9,'flag':3,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02'],'rules':[]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.cmd", "unknown value 9 (want 1 add, 2 delete, 3 modify)"),
                arguments("flag out of range", j("{'ctrl_cfg_policy':{'cmd':1,'flag':4,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02'],'rules':[]}}"), ControlError.OUT_OF_RANGE, "ctrl_cfg_policy.flag", "4 is outside 0..3"),
                arguments("unknown defact", j("{'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':7,'dir':3,'mac':['02:42:ac:11:00:02'],'rules':[]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.defact", "unknown value 7"),
                arguments("unknown dir", j("{'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':2,'dir':0,'mac':['02:42:ac:11:00:02'],'rules':[]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.dir", "unknown value 0 (want 1 ingress, 2 egress, 3 both)"),
                arguments("no MACs", j("{'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':2,'dir':3,'mac':[],'rules':[]}}"), ControlError.MISSING_FIELD, "ctrl_cfg_policy.mac", "at least one MAC"),
                arguments("duplicate MAC", j("{'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02','02:42:ac:11:00:02'],'rules':[]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.mac[1]", "duplicate"),
                arguments("missing rules", j("{'ctrl_cfg_policy':{'cmd':1,'flag':3,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02']}}"), ControlError.MISSING_FIELD, "ctrl_cfg_policy.rules", "required"),
                arguments("41 rules in one datagram", j(POLICY_HEAD + ("{" + RULE + "},").repeat(40) + "{" + RULE + "}]}}"), ControlError.TOO_MANY, "ctrl_cfg_policy.rules", "more than 40"),
                arguments("delete with rules", j("{'ctrl_cfg_policy':{'cmd':2,'flag':3,'defact':2,'dir':3,'mac':['02:42:ac:11:00:02'],'rules':[{" + RULE + "}]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules", "must be empty"),
                // rules
                arguments("rule bad sip", ruleWith("sip", "'10.0.0'"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].sip", "not an IP address"),
                arguments("rule sip range reversed", ruleWith("sipr", "'10.0.0.0'"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].sipr", "below its start"),
                arguments("rule dip range reversed", ruleWith("dipr", "'9.255.255.255'"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].dipr", "below its start"),
                arguments("rule range mixes families", ruleWith("sipr", "'fd00::1'"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].sipr", "address family"),
                arguments("rule port out of range", ruleWith("port", "70000"), ControlError.OUT_OF_RANGE, "ctrl_cfg_policy.rules[0].port", "70000 is outside 0..65535"),
                arguments("rule port range reversed", ruleWith("portr", "79"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].portr", "below its start"),
                arguments("rule unknown proto", ruleWith("proto", "7"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].proto", "unknown value 7 (want 0 any, 1 icmp, 6 tcp, 17 udp, 58 icmpv6)"),
                arguments("rule unknown action", ruleWith("action", "5"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].action", "unknown value 5 (want 1 allow, 2 deny, 3 learn, 4 violate)"),
                arguments("rule id zero", ruleWith("id", "0"), ControlError.OUT_OF_RANGE, "ctrl_cfg_policy.rules[0].id", "0 is outside 1..4294967295"),
                arguments("rule ingress as number", ruleWith("ingress", "1"), ControlError.WRONG_TYPE, "ctrl_cfg_policy.rules[0].ingress", "expected a boolean"),
                arguments("rule missing action", ruleWith("action", null), ControlError.MISSING_FIELD, "ctrl_cfg_policy.rules[0].action", "required"),
                arguments("rule unknown field", ruleWith("oldmac", "'x'"), ControlError.UNKNOWN_FIELD, "ctrl_cfg_policy.rules[0].oldmac", "unknown field"),
                arguments("rule bad fqdn", ruleWith("fqdn", "'exa mple.com'"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].fqdn", "not a host name"),
                arguments("rule fqdn too long", ruleWith("fqdn", "'" + "a".repeat(254) + "'"), ControlError.OUT_OF_RANGE, "ctrl_cfg_policy.rules[0].fqdn", "RFC 1035"),
                arguments("rule app bad action", ruleWith("apps", "[{'rid':1,'app':1001,'action':0}]"), ControlError.INVALID_VALUE, "ctrl_cfg_policy.rules[0].apps[0].action", "unknown value 0"),
                arguments("rule app missing rid", ruleWith("apps", "[{'app':1001,'action':1}]"), ControlError.MISSING_FIELD, "ctrl_cfg_policy.rules[0].apps[0].rid", "required"),
                arguments("rule too many apps", ruleWith("apps", "[" + "{'rid':1,'app':1,'action':1},".repeat(32) + "{'rid':1,'app':1,'action':1}]"), ControlError.TOO_MANY, "ctrl_cfg_policy.rules[0].apps", "more than 32"),
                // internal net and sys conf
                arguments("subnet mask not contiguous", j("{'ctrl_cfg_internal_net':{'flag':3,'subnet_addr':[{'ip':'10.0.0.0','mask':'255.0.255.0'}]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_internal_net.subnet_addr[0].mask", "not a contiguous netmask"),
                arguments("subnet host bits", j("{'ctrl_cfg_internal_net':{'flag':3,'subnet_addr':[{'ip':'10.0.0.1','mask':'255.0.0.0'}]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_internal_net.subnet_addr[0].ip", "host bits"),
                arguments("subnet families differ", j("{'ctrl_cfg_internal_net':{'flag':3,'subnet_addr':[{'ip':'10.0.0.0','mask':'ff00::'}]}}"), ControlError.INVALID_VALUE, "ctrl_cfg_internal_net.subnet_addr[0].mask", "address family"),
                arguments("sys conf missing field", j("{'ctrl_sys_conf':{'fail_open':true," + SYS.replace(",'max_sessions':262144", "") + "}}"), ControlError.MISSING_FIELD, "ctrl_sys_conf.max_sessions", "required"),
                arguments("sys conf report interval zero", j("{'ctrl_sys_conf':{'fail_open':true," + SYS.replace("'report_interval':5", "'report_interval':0") + "}}"), ControlError.OUT_OF_RANGE, "ctrl_sys_conf.report_interval", "0 is outside 1..60"),
                arguments("sys conf too few sessions", j("{'ctrl_sys_conf':{'fail_open':true," + SYS.replace("262144", "10") + "}}"), ControlError.OUT_OF_RANGE, "ctrl_sys_conf.max_sessions", "10 is outside 1024..16777216"),
                arguments("sys conf fail_open as string", j("{'ctrl_sys_conf':{'fail_open':'yes'," + SYS + "}}"), ControlError.WRONG_TYPE, "ctrl_sys_conf.fail_open", "expected a boolean"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCommands")
    void refusesInvalidCommandNamingTheField(String name, String json, ControlError error, String path, String reason) {
        byte[] bytes = name.equals("invalid UTF-8") || name.equals("byte-order mark") ? json.getBytes(StandardCharsets.ISO_8859_1) : json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ControlDecoder.decode(bytes))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.error()).as("error of %s", e.getMessage()).isEqualTo(error);
                    assertThat(e.path()).as("path of %s", e.getMessage()).isEqualTo(path);
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.getMessage()).startsWith(path.isEmpty() ? e.reason() : path + ": ");
                });
    }

    @Test
    void refusesOversizeDatagramBeforeParsing() {
        byte[] big = new byte[ProtocolLimits.MAX_DATAGRAM + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        byte[] cmd = j("{'ctrl_keep_alive':{'seq_num':1}}").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(cmd, 0, big, 0, cmd.length);
        assertThatThrownBy(() -> ControlDecoder.decode(big))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.error()).isEqualTo(ControlError.OVERSIZE);
                    assertThat(e.reason()).contains("262145 bytes, at most 262144");
                });
        byte[] exact = java.util.Arrays.copyOf(big, ProtocolLimits.MAX_DATAGRAM);
        assertThat(org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> ControlDecoder.decode(exact)))
                .isEqualTo(new CtrlKeepAlive(1));
    }

    @Test
    void recordConstructorsNameTheFieldToo() {
        assertThatThrownBy(() -> new PolicyRule(1, ip("10.0.0.2"), ip("10.0.0.1"), ip("10.0.0.3"), ip("10.0.0.3"), 0, 0,
                IpProto.ANY, RuleAction.ALLOW, true))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("sipr"));
        assertThatThrownBy(() -> new CtrlSysConf(true, 5, false, 262_144, 3600, 60, 0))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("icmp_idle_timeout"));
    }
}
