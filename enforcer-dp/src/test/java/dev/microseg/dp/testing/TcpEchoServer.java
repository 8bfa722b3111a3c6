package dev.microseg.dp.testing;

import dev.microseg.dp.netns.NetnsThread;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP echo server listening on [::]:port (dual stack) inside a namespace. The listening socket
 * is created by the namespace's thread; accepted connections belong to the same namespace and are
 * served by their own platform threads. Counts connections and bytes echoed.
 */
public final class TcpEchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private TcpEchoServer(ServerSocket server) {
        this.server = server;
        Thread.ofPlatform().daemon(true).name("tcp-echo-" + server.getLocalPort()).start(this::acceptLoop);
    }

    static TcpEchoServer start(NetnsThread ns, int port) throws IOException {
        try {
            ServerSocket s = ns.call(() -> {
                ServerSocket ss = new ServerSocket();
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(port), 64);
                return ss;
            });
            return new TcpEchoServer(s);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("starting a TCP echo server on port " + port + " in " + ns.namespace(), e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofPlatform().daemon(true).name("tcp-echo-conn").start(() -> echo(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket s) {
        byte[] buf = new byte[64 * 1024];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                bytes.addAndGet(n);
            }
        } catch (SocketException e) {
            // Peer reset or server closed: the connection is over.
        } catch (IOException e) {
            // Same: nothing to echo any more.
        } finally {
            open.remove(s);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public long connections() {
        return connections.get();
    }

    public long bytesEchoed() {
        return bytes.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
