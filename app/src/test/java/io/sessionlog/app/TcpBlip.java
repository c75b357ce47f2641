package io.sessionlog.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of a server whose connections a test can cut, as a network blip would: {@link #drop}
 * closes every open connection and refuses new ones until {@link #restore}. For what a browser does when its
 * connection to sessionlog breaks, which the browser's own offline emulation does not do to an open stream.
 */
final class TcpBlip implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean down;

    TcpBlip(final int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::accept, "tcp-blip-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void drop() {
        down = true;
        open.forEach(TcpBlip::closeQuietly);
        open.clear();
    }

    void restore() {
        down = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                final Socket client = listener.accept();
                if (down) {
                    client.close();
                    continue;
                }
                final Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // The listener closed, or one connection failed: the test sees it as a failed request.
            }
        }
    }

    private void pump(final Socket from, final Socket to) {
        final Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException closed) {
                // Either side went away: close both, as a broken path does.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-blip-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        drop();
    }
}
