package dev.microseg.dp.testing;

import dev.microseg.dp.netns.NetnsThread;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connection opened from inside a namespace (the connect runs on the namespace's thread;
 * reads and writes may run anywhere). Every operation is bounded by a timeout.
 */
public final class TcpClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private TcpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static TcpClient connect(NetnsThread ns, InetAddress to, int port, Duration timeout) throws IOException {
        try {
            Socket s = ns.call(() -> {
                Socket so = new Socket();
                so.setTcpNoDelay(true);
                so.connect(new InetSocketAddress(to, port), (int) timeout.toMillis());
                return so;
            });
            return new TcpClient(s);
        } catch (IOException e) {
            throw new IOException("connecting from " + ns.namespace() + " to " + to.getHostAddress() + ":" + port
                    + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IOException("connecting from " + ns.namespace() + " to " + to.getHostAddress() + ":" + port, e);
        }
    }

    /** The local (ephemeral) port: the source port of the connection's original tuple. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    /**
     * Writes {@code message} and waits for the same bytes back.
     *
     * @return true when the echo arrived intact within {@code timeout}, false when it did not
     * arrive in time (the connection is then unusable: close it)
     */
    public boolean echo(byte[] message, Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        out.write(message);
        out.flush();
        byte[] back = new byte[message.length];
        int got = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (got < back.length) {
                int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() > deadline) {
                    return false;
                }
                socket.setSoTimeout(left);
                int n = in.read(back, got, back.length - got);
                if (n < 0) {
                    throw new IOException("connection closed after " + got + " of " + back.length + " echoed bytes");
                }
                got += n;
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
        if (!Arrays.equals(message, back)) {
            throw new IOException("echo differs from what was sent");
        }
        return true;
    }

    /**
     * Streams {@code bytes} to an echo server while reading them back on another thread.
     *
     * @return bytes read back
     * @throws IOException when they are not all back within {@code timeout}
     */
    public long transfer(long bytes, Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            byte[] buf = new byte[256 * 1024];
            long got = 0;
            try {
                while (got < bytes) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, bytes - got));
                    if (n < 0) {
                        break;
                    }
                    got += n;
                }
            } catch (IOException e) {
                return -got - 1;
            }
            return got;
        }, r -> Thread.ofPlatform().daemon(true).name("tcp-transfer-reader").start(r));
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        long sent = 0;
        while (sent < bytes) {
            int n = (int) Math.min(chunk.length, bytes - sent);
            out.write(chunk, 0, n);
            sent += n;
        }
        out.flush();
        try {
            long got = reader.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (got != bytes) {
                throw new IOException("transfer of " + bytes + " bytes: " + (got < 0 ? "read failed after " + (-got - 1)
                        : "only " + got) + " bytes came back");
            }
            return got;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("transfer of " + bytes + " bytes did not complete within " + timeout);
        } catch (Exception e) {
            throw new IOException("transfer of " + bytes + " bytes failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "TcpClient[" + socket + "]";
    }
}
