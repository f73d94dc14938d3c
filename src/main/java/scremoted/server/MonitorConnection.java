package scremoted.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import scremoted.log.Log;
import scremoted.session.HelloRefused;
import scremoted.session.Link;
import scremoted.session.Session;
import scremoted.session.Sessions;
import scremoted.session.Timers;
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
    private final Timers timers;
    private final Timing timing;

    MonitorConnection(Sessions sessions, Timers timers, Timing timing) {
        this.sessions = sessions;
        this.timers = timers;
        this.timing = timing;
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
                Log.debug("hello", address + ": no hello within the deadline; closing");
                close(socket);
            }
        });
        Control hello;
        FrameReader in;
        Link link;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.max(1, timing.helloNanos() / 1_000_000));
            in = new FrameReader(socket.getInputStream());
            Frame first = in.read();
            if (first == null) {
                throw new java.io.EOFException("closed before the hello");
            }
            if (!first.isControl() || first.seq() != 0) {
                throw new ProtocolException("first message is not a hello on channel 0 with sequence 0");
            }
            hello = Messages.decode(first);
            if (!(hello instanceof Control.MasterNew) && !(hello instanceof Control.MasterRes)) {
                throw new ProtocolException("first message is " + hello + ", not MASTER_NEW or MASTER_RES");
            }
            socket.setSoTimeout(0);
            link = new Link(socket, socket, address);
        } catch (IOException e) {
            if (decided.compareAndSet(false, true)) {
                Log.debug("hello", address + ": " + e.getMessage() + "; closing");
                close(socket);
            }
            deadline.cancel(false);
            return;
        }
        if (!decided.compareAndSet(false, true)) {
            return;
        }
        deadline.cancel(false);
        Log.debug("hello", address + ": " + hello);
        Session session;
        try {
            session = switch (hello) {
                case Control.MasterNew m -> sessions.admit(m, link);
                case Control.MasterRes r -> sessions.resume(r, link);
                default -> throw new IllegalStateException();
            };
        } catch (HelloRefused e) {
            Log.debug("hello", address + ": refused: " + e.getMessage());
            if (hello instanceof Control.MasterRes) {
                reject(socket);
            }
            close(socket);
            return;
        }
        session.serve(link, in);
    }

    /** MASTER_REJ, written out in full before the close. */
    private static void reject(Socket socket) {
        try {
            socket.getOutputStream().write(Messages.encode(0, new Control.MasterRej()));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            Log.debug("hello", "sending MASTER_REJ: " + e.getMessage());
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            Log.debug("hello", "close: " + e.getMessage());
        }
    }
}
