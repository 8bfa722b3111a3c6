package dev.microseg.dp.testing;

import dev.microseg.dp.netns.NetnsThread;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP socket bound to [::]:port inside a namespace that counts datagrams and bytes received;
 * also the sender side ({@link #send}).
 */
public final class UdpReceiver implements AutoCloseable {
    /** Largest datagram the helpers send: fits a 1500-byte MTU with IPv6 and UDP headers. */
    public static final int MAX_DATAGRAM = 1400;

    private final DatagramSocket socket;
    private final AtomicLong datagrams = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private UdpReceiver(DatagramSocket socket) {
        this.socket = socket;
        Thread.ofPlatform().daemon(true).name("udp-recv-" + socket.getLocalPort()).start(this::loop);
    }

    static UdpReceiver start(NetnsThread ns, int port) throws IOException {
        try {
            return new UdpReceiver(ns.call(() -> new DatagramSocket(new InetSocketAddress(port))));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("binding UDP port " + port + " in " + ns.namespace(), e);
        }
    }

    private void loop() {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                socket.receive(p);
                datagrams.incrementAndGet();
                bytes.addAndGet(p.getLength());
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    public long datagrams() {
        return datagrams.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Waits until at least {@code n} datagrams arrived; returns how many did by the deadline. */
    public long awaitDatagrams(long n, Duration timeout) throws InterruptedException {
        return Await.until(this::datagrams, v -> v >= n, timeout);
    }

    static int send(NetnsThread ns, int sourcePort, InetAddress to, int port, int count, int size) throws IOException {
        if (size < 0 || size > MAX_DATAGRAM || count < 0 || count > 1_000_000) {
            throw new IllegalArgumentException("count " + count + " / size " + size + " out of bounds");
        }
        try {
            return ns.call(() -> {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(sourcePort))) {
                    byte[] payload = new byte[size];
                    DatagramPacket p = new DatagramPacket(payload, size, new InetSocketAddress(to, port));
                    for (int i = 0; i < count; i++) {
                        s.send(p);
                    }
                    return s.getLocalPort();
                }
            });
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("sending UDP from " + ns.namespace() + " to " + to.getHostAddress() + ":" + port, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
