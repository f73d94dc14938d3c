package scremoted.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import scremoted.buffer.PayloadPool;
import scremoted.log.Log;
import scremoted.session.HelloRefused;
import scremoted.session.Link;
import scremoted.session.Session;
import scremoted.session.Sessions;
import scremoted.session.Timers;
import scremoted.tls.MonitorNames;
import scremoted.tls.ServerTls;
import scremoted.wire.Control;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;
import scremoted.wire.Messages;
import scremoted.wire.ProtocolException;

/**
 * One accepted monitor connection, on its own virtual thread: the hello (MASTER_NEW or MASTER_RES
 * within the hello deadline), then the session's reader until the connection ends.
 */
final class MonitorConnection {
    private final Sessions sessions;
    private final PayloadPool pool;
    private final Timers timers;
    private final Timing timing;
    private final ServerTls tls;
    private final boolean checkNames;

    /**
     * @param tls the TLS context, or null for plaintext
     * @param checkNames with client certificates: a monitor's name must be one its certificate names
     */
    MonitorConnection(Sessions sessions, PayloadPool pool, Timers timers, Timing timing, ServerTls tls,
            boolean checkNames) {
        this.sessions = sessions;
        this.pool = pool;
        this.timers = timers;
        this.timing = timing;
        this.tls = tls;
        this.checkNames = checkNames && tls != null && tls.requiresClientCertificate();
    }

    void serve(SocketChannel channel) {
        Socket socket = channel.socket();
        String address;
        try {
            address = MonitorAddress.of((InetSocketAddress) channel.getRemoteAddress());
        } catch (IOException e) {
            close(socket);
            return;
        }
        // The deadline closes the socket even if the peer trickles bytes; whoever wins the flag
        // decides the connection's fate.
        AtomicBoolean decided = new AtomicBoolean();
        ScheduledFuture<?> deadline = timers.after(timing.helloNanos(), () -> {
            if (decided.compareAndSet(false, true)) {
                Log.debug("hello", () -> address + ": no hello within the deadline; closing");
                close(socket);
            }
        });
        long helloEnd = System.nanoTime() + timing.helloNanos();
        Control hello;
        FrameReader in;
        Link link;
        Optional<X509Certificate> certificate = Optional.empty();
        Socket transport = socket;
        try {
            socket.setTcpNoDelay(true);
            if (tls != null) {
                SSLSocket secure = tls.wrap(socket);
                tls.handshake(secure, Duration.ofNanos(Math.max(1_000_000, helloEnd - System.nanoTime())));
                certificate = MonitorNames.peerCertificate(secure);
                transport = secure;
                transport.setSoTimeout((int) Math.max(1, (helloEnd - System.nanoTime()) / 1_000_000));
                in = new FrameReader(transport.getInputStream(), pool);
            } else {
                // Plaintext: large payloads go from the channel into direct buffers, uncopied.
                // The hello deadline's close ends a read that waits too long.
                in = new FrameReader(channel, pool);
            }
            Frame first = in.read();
            if (first == null) {
                throw new java.io.EOFException("closed before the hello");
            }
            if (!first.isControl() || first.seq() != 0) {
                pool.release(first.data());
                throw new ProtocolException("first message is not a hello on channel 0 with sequence 0");
            }
            hello = Messages.decode(first);
            if (!(hello instanceof Control.MasterNew) && !(hello instanceof Control.MasterRes)) {
                throw new ProtocolException("first message is " + hello + ", not MASTER_NEW or MASTER_RES");
            }
            if (tls != null) {
                transport.setSoTimeout(0);
            }
            link = new Link(transport, socket, address);
        } catch (IOException e) {
            if (decided.compareAndSet(false, true)) {
                Log.debug("hello", () -> address + ": " + e.getMessage() + "; closing");
                close(socket);
            }
            deadline.cancel(false);
            return;
        }
        if (!decided.compareAndSet(false, true)) {
            return;
        }
        deadline.cancel(false);
        Log.debug("hello", () -> address + ": " + hello);
        Optional<X509Certificate> presented = certificate;
        Predicate<String> nameAllowed = name -> !checkNames
                || name != null && presented.isPresent() && MonitorNames.certificateMatches(presented.get(), name);
        Session session;
        try {
            session = switch (hello) {
                case Control.MasterNew m -> {
                    if (!nameAllowed.test(m.name())) {
                        throw new HelloRefused(m.name() == null ? "no monitor name, and client certificates are checked"
                                : "monitor name " + m.name() + " is not one the client certificate names");
                    }
                    yield sessions.admit(m, link);
                }
                case Control.MasterRes r -> sessions.resume(r, link, nameAllowed);
                default -> throw new IllegalStateException();
            };
        } catch (HelloRefused e) {
            Log.debug("hello", () -> address + ": refused: " + e.getMessage());
            if (hello instanceof Control.MasterRes) {
                reject(transport, socket);
            }
            close(socket);
            return;
        }
        session.serve(link, in);
    }

    /** MASTER_REJ, written out in full (through TLS when it is on) before the close. */
    private static void reject(Socket transport, Socket tcp) {
        try {
            transport.getOutputStream().write(Messages.encode(0, new Control.MasterRej()));
            transport.getOutputStream().flush();
            tcp.shutdownOutput();
        } catch (IOException e) {
            Log.debug("hello", () -> "sending MASTER_REJ: " + e.getMessage());
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            Log.debug("hello", () -> "close: " + e.getMessage());
        }
    }
}
