package dev.microseg.dp.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a {@link ControlCommand} as the compact JSON datagram {@link ControlDecoder} reads. Optional
 * fields are left out when empty ({@code sipr}/{@code dipr} when equal to the start, {@code fqdn},
 * {@code vhost} when false, {@code apps} when empty, {@code ucmac}/{@code bcmac}/{@code pmac}), so
 * {@code decode(encode(c)).equals(c)} for every command. Thread-safe.
 */
public final class ControlEncoder {
    private ControlEncoder() {
    }

    public static byte[] encode(ControlCommand cmd) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(cmd instanceof CtrlCfgPolicy ? 8192 : 256);
             JsonGenerator g = ControlDecoder.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(cmd.key());
            switch (cmd) {
                case CtrlKeepAlive k -> seq(g, k.seqNum());
                case CtrlStats s -> seq(g, s.seqNum());
                case CtrlSync s -> {
                    g.writeStartObject();
                    g.writeNumberField("gen", s.gen());
                    g.writeNumberField("phase", s.phase().code());
                    g.writeEndObject();
                }
                case CtrlAddMac a -> endpoint(g, a.endpoint());
                case CtrlDelMac d -> endpoint(g, d.endpoint());
                case CtrlCfgMac c -> endpoint(g, c.endpoint());
                case CtrlCfgPolicy p -> policy(g, p);
                case CtrlCfgInternalNet n -> internalNet(g, n);
                case CtrlSysConf s -> sysConf(g, s);
            }
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
    }

    private static void seq(JsonGenerator g, long seq) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq_num", seq);
        g.writeEndObject();
    }

    private static void endpoint(JsonGenerator g, Endpoint e) throws IOException {
        g.writeStartObject();
        g.writeStringField("iface", e.iface());
        g.writeStringField("mac", e.mac().toString());
        if (e.ucmac().isPresent()) {
            g.writeStringField("ucmac", e.ucmac().get().toString());
        }
        if (e.bcmac().isPresent()) {
            g.writeStringField("bcmac", e.bcmac().get().toString());
        }
        if (e.pmac().isPresent()) {
            g.writeStringField("pmac", e.pmac().get().toString());
        }
        g.writeArrayFieldStart("pips");
        for (IpAddress ip : e.pips()) {
            g.writeStartObject();
            g.writeStringField("ip", ip.toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void policy(JsonGenerator g, CtrlCfgPolicy p) throws IOException {
        g.writeStartObject();
        g.writeNumberField("cmd", p.cmd().code());
        g.writeNumberField("flag", p.flag());
        g.writeNumberField("defact", p.defact().code());
        g.writeNumberField("dir", p.dir().code());
        macs(g, p.mac());
        g.writeArrayFieldStart("rules");
        for (PolicyRule r : p.rules()) {
            rule(g, r);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void macs(JsonGenerator g, List<MacAddress> macs) throws IOException {
        g.writeArrayFieldStart("mac");
        for (MacAddress m : macs) {
            g.writeString(m.toString());
        }
        g.writeEndArray();
    }

    private static void rule(JsonGenerator g, PolicyRule r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", r.id());
        g.writeStringField("sip", r.sip().toString());
        if (!r.sipr().equals(r.sip())) {
            g.writeStringField("sipr", r.sipr().toString());
        }
        g.writeStringField("dip", r.dip().toString());
        if (!r.dipr().equals(r.dip())) {
            g.writeStringField("dipr", r.dipr().toString());
        }
        g.writeNumberField("port", r.port());
        g.writeNumberField("portr", r.portr());
        g.writeNumberField("proto", r.proto().code());
        g.writeNumberField("action", r.action().code());
        g.writeBooleanField("ingress", r.ingress());
        if (r.fqdn().isPresent()) {
            g.writeStringField("fqdn", r.fqdn().get());
        }
        if (r.vhost()) {
            g.writeBooleanField("vhost", true);
        }
        if (!r.apps().isEmpty()) {
            g.writeArrayFieldStart("apps");
            for (RuleApp a : r.apps()) {
                g.writeStartObject();
                g.writeNumberField("rid", a.rid());
                g.writeNumberField("app", a.app());
                g.writeNumberField("action", a.action().code());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void internalNet(JsonGenerator g, CtrlCfgInternalNet n) throws IOException {
        g.writeStartObject();
        g.writeNumberField("flag", n.flag());
        g.writeArrayFieldStart("subnet_addr");
        for (Subnet s : n.subnets()) {
            g.writeStartObject();
            g.writeStringField("ip", s.ip().toString());
            g.writeStringField("mask", s.mask().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void sysConf(JsonGenerator g, CtrlSysConf s) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("fail_open", s.failOpen());
        g.writeNumberField("report_interval", s.reportInterval());
        g.writeBooleanField("tcp_rst_on_deny", s.tcpRstOnDeny());
        g.writeNumberField("max_sessions", s.maxSessions());
        g.writeNumberField("tcp_idle_timeout", s.tcpIdleTimeout());
        g.writeNumberField("udp_idle_timeout", s.udpIdleTimeout());
        g.writeNumberField("icmp_idle_timeout", s.icmpIdleTimeout());
        g.writeEndObject();
    }
}
