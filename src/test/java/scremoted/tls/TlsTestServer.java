package scremoted.tls;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * A listener on 127.0.0.1 that does what the server core will: accept on a virtual thread, then per
 * connection, on its own virtual thread, wrap and handshake. Each handshake's outcome is queued for
 * the test; a connection that made it echoes what it reads until EOF.
 */
final class TlsTestServer implements AutoCloseable {
    /** How one connection's handshake ended: {@code socket} on success, else {@code failure}. */
    record Outcome(SSLSocket socket, Exception failure, Duration elapsed) {}

    private final ServerTls tls;
    private final Duration handshakeTimeout;
    private final ServerSocket listener;
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    TlsTestServer(ServerTls tls, Duration handshakeTimeout) throws IOException {
        this.tls = tls;
        this.handshakeTimeout = handshakeTimeout;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("test-accept").start(this::acceptLoop);
    }

    TlsTestServer(ServerTls tls) throws IOException {
        this(tls, Duration.ofSeconds(10));
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next connection's handshake outcome; fails the test if none comes within 10 s. */
    Outcome nextOutcome() throws InterruptedException {
        Outcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
        if (outcome == null) {
            fail("no connection finished its handshake within 10 s");
        }
        return outcome;
    }

    /** The next handshake, which must have succeeded. */
    SSLSocket nextHandshaken() throws InterruptedException {
        Outcome outcome = nextOutcome();
        if (outcome.failure() != null) {
            throw new AssertionError("server-side handshake failed", outcome.failure());
        }
        return outcome.socket();
    }

    /** The next handshake, which must have failed; returns why. */
    Exception nextFailure() throws InterruptedException {
        Outcome outcome = nextOutcome();
        if (outcome.failure() == null) {
            fail("the server accepted a handshake it should have refused: "
                    + outcome.socket().getSession().getProtocol() + " " + outcome.socket().getSession().getCipherSuite());
        }
        return outcome.failure();
    }

    /** Closes every accepted plain socket under its TLS layer, as a deadline enforcer would. */
    void closeAcceptedSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket accepted = listener.accept();
                sockets.add(accepted);
                Thread.ofVirtual().name("test-connection").start(() -> serve(accepted));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket accepted) {
        long start = System.nanoTime();
        SSLSocket socket;
        try {
            socket = tls.wrap(accepted);
            tls.handshake(socket, handshakeTimeout);
        } catch (IOException | RuntimeException e) {
            outcomes.add(new Outcome(null, e, Duration.ofNanos(System.nanoTime() - start)));
            closeQuietly(accepted);
            return;
        }
        outcomes.add(new Outcome(socket, null, Duration.ofNanos(System.nanoTime() - start)));
        echo(socket);
    }

    private static void echo(SSLSocket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The client went away; nothing to echo to.
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing after a failed handshake; the socket is done either way.
        }
    }
}
