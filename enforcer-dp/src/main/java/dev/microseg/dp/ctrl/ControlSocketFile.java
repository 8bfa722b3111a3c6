package dev.microseg.dp.ctrl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binding the dp's control socket file: stale files replaced, live sockets and non-sockets left alone, mode set. */
final class ControlSocketFile {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** {@code S_IFMT} and {@code S_IFSOCK} from Linux {@code <sys/stat.h>}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private ControlSocketFile() {
    }

    static AFUNIXDatagramChannel bind(ControlServerConfig config) throws IOException {
        Path path = config.socketPath();
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            // Created here: owner-only, so the socket is never reachable by others between bind and chmod.
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        removeStale(path);
        AFUNIXDatagramChannel c = AFUNIXDatagramChannel.open();
        try {
            c.bind(AFUNIXSocketAddress.of(path));
            Files.setPosixFilePermissions(path, config.socketPermissions());
            c.configureBlocking(false);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new IOException("binding control socket " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes a socket file left by a dp that died, but refuses to steal the socket of a dp that is
     * still serving (a datagram connect to it succeeds) or to delete anything that is not a socket.
     */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (!(mode instanceof Integer m) || (m & S_IFMT) != S_IFSOCK) {
            throw new IOException("control socket path " + path + " exists and is not a socket");
        }
        boolean live;
        try (AFUNIXDatagramChannel probe = AFUNIXDatagramChannel.open()) {
            probe.connect(AFUNIXSocketAddress.of(path));
            live = true;
        } catch (IOException e) {
            live = false;
        }
        if (live) {
            throw new IOException("control socket " + path + " is in use by a running process");
        }
        Files.delete(path);
        LOG.info("event=ctrl_stale_socket_removed path={}", path);
    }
}
