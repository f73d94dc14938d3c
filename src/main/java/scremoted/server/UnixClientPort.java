package scremoted.server;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import scremoted.buffer.PayloadPool;
import scremoted.relay.ClientConnection;
import scremoted.session.ClientBacklog;
import scremoted.session.ClientPort;
import scremoted.session.Session;
import scremoted.unix.MonitorSocket;

/** Per-monitor unix sockets in the -U directory; one virtual thread accepts for each. */
final class UnixClientPort implements ClientPort {
    private final Path dir;
    private final Set<PosixFilePermission> mode;
    private final PayloadPool pool;
    private final ClientBacklog allClients;
    private final int clientQueueBytes;

    UnixClientPort(Path dir, Set<PosixFilePermission> mode, PayloadPool pool, ClientBacklog allClients,
            int clientQueueBytes) {
        this.dir = dir;
        this.mode = mode;
        this.pool = pool;
        this.allClients = allClients;
        this.clientQueueBytes = clientQueueBytes;
    }

    @Override
    public AutoCloseable open(Session session, String name) throws IOException {
        MonitorSocket socket = MonitorSocket.bind(dir, name, mode);
        Thread.ofVirtual().start(() -> AcceptLoop.run("unix " + name, socket::accept,
                client -> ClientConnection.start(client, session, pool, allClients, clientQueueBytes)));
        return socket;
    }
}
