package scremoted.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between scamper and a server that relays every connection scamper makes and can cut
 * them all at once (a reset on both sides), as a broken path would.
 */
final class CuttingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> live = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    CuttingRelay(int serverPort) throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        target = new InetSocketAddress(lo, serverPort);
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(lo, 0));
        Thread.ofVirtual().start(this::acceptLoop);
    }

    String remote() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Resets every relayed connection. */
    void cut() {
        for (Socket s : live) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
        live.clear();
    }

    private void acceptLoop() {
        try {
            for (;;) {
                Socket scamper = listener.accept();
                Socket server = new Socket();
                server.connect(target, 5000);
                live.add(scamper);
                live.add(server);
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> copy(scamper, server));
                Thread.ofVirtual().start(() -> copy(server, scamper));
            }
        } catch (IOException e) {
            // listener closed
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buf = new byte[65536];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // cut, or the other side went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
