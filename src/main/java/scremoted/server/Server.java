package scremoted.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import scremoted.cli.Options;
import scremoted.buffer.PayloadPool;
import scremoted.log.Log;
import scremoted.session.ClientBacklog;
import scremoted.session.SessionPolicy;
import scremoted.session.Sessions;
import scremoted.session.Timers;
import scremoted.tls.ServerTls;
import scremoted.unix.MonitorSocket;
import scremoted.unix.Umask;

/**
 * The running server: listeners, the session registry and the reaper.
 *
 * <p>Threads: one virtual thread accepts per listener; each accepted connection gets a virtual
 * thread of its own ({@link MonitorConnection}).
 */
public final class Server implements AutoCloseable {
    private final List<ServerSocketChannel> listeners;
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final Sessions sessions;
    private final Timers timers;
    private final PayloadPool pool;
    private final ClientBacklog allClients;

    private Server(List<ServerSocketChannel> listeners, Sessions sessions, Timers timers, PayloadPool pool,
            ClientBacklog allClients) throws IOException {
        this.listeners = listeners;
        this.sessions = sessions;
        this.timers = timers;
        this.pool = pool;
        this.allClients = allClients;
        for (ServerSocketChannel l : listeners) {
            bound.add((InetSocketAddress) l.getLocalAddress());
        }
    }

    public static Server start(Options options, Timing timing) throws IOException {
        return start(options, timing, Limits.DEFAULT, null);
    }

    public static Server start(Options options, Timing timing, Limits limits) throws IOException {
        return start(options, timing, limits, null);
    }

    /**
     * Binds every listener and starts accepting; returns once the listeners are bound.
     *
     * @param tls the loaded TLS material when -c/-p are given, else null
     */
    public static Server start(Options options, Timing timing, Limits limits, ServerTls tls) throws IOException {
        if (options.tls() != (tls != null)) {
            throw new IllegalArgumentException("TLS material must be given exactly when -c/-p are");
        }
        Preload.all();
        Umask.restrict();
        if (options.has(Options.Flag.SELECT)) {
            Log.debug("main", () -> "-O select chooses the C server's poller; it has no effect here");
        }
        Timers timers = new Timers();
        SessionPolicy policy = new SessionPolicy(timing.seconds(options.zombieSeconds()), timing.keepaliveNanos(),
                timing.receiveNanos(), limits.unackedBytesPerSession(),
                Math.min(2 << 20, limits.clientQueueBytes() / 4), PayloadPool.BUFFER_BYTES, timing.seconds(5));
        PayloadPool pool = new PayloadPool(limits.pooledPayloadBuffers());
        ClientBacklog allClients = new ClientBacklog(limits.allClientsBytes());
        UnixClientPort port = new UnixClientPort(options.unixDir(),
                MonitorSocket.mode(options.has(Options.Flag.ALLOWGROUP), options.has(Options.Flag.ALLOWOTHER)),
                pool, allClients, limits.clientQueueBytes());
        Sessions sessions = new Sessions(policy, timers, port, pool, allClients);
        List<ServerSocketChannel> listeners;
        try {
            listeners = Listeners.bind(options);
        } catch (IOException | RuntimeException e) {
            timers.close();
            throw e;
        }
        Server server = new Server(listeners, sessions, timers, pool, allClients);
        MonitorConnection connections = new MonitorConnection(sessions, pool, timers, timing, tls,
                !options.has(Options.Flag.SKIPNAMEVERIFICATION));
        for (ServerSocketChannel listener : listeners) {
            String where = "accept " + Listeners.describe(listener);
            Thread.ofVirtual().name(where).start(() -> AcceptLoop.run(where, listener::accept,
                    channel -> Thread.ofVirtual().start(() -> AcceptLoop.closingOnFailure(channel, connections::serve))));
        }
        return server;
    }

    public List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    /** The relayed payloads' buffers: for tests that check every one comes back. */
    PayloadPool payloadPool() {
        return pool;
    }

    /** What waits for all clients together: for tests. */
    ClientBacklog clientBacklog() {
        return allClients;
    }

    /** Sessions in the registry, established and zombie. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Listeners closed, every monitor and client disconnected, every socket file removed. */
    @Override
    public void close() {
        for (ServerSocketChannel l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                Log.debug("main", () -> "closing a listener: " + e.getMessage());
            }
        }
        sessions.closeAll();
        timers.close();
    }
}
