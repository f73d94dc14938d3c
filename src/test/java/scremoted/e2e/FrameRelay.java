package scremoted.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A TCP relay between scamper and a server that parses the frames flowing from the server to scamper
 * (10-byte header: seq u32, channel u32, length u16) and captures the first MASTER_ID's id string.
 * Relays the first connection only (a test's scamper connects once).
 */
final class FrameRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** The MASTER_ID string without its NUL; completes exceptionally on a malformed one. */
    final CompletableFuture<String> masterId = new CompletableFuture<>();
    /** The local port of the relay's connection to the server: the address the server sees. */
    final CompletableFuture<Integer> serverSidePort = new CompletableFuture<>();
    private final StringBuilder log = new StringBuilder();

    FrameRelay(int serverPort) throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        this.target = new InetSocketAddress(lo, serverPort);
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(lo, 0));
        Thread t = Thread.ofVirtual().name("relay-accept").start(this::acceptOne);
        threads.add(t);
    }

    int port() {
        return listener.getLocalPort();
    }

    String remote() {
        return "127.0.0.1:" + port();
    }

    synchronized String log() {
        return "--- relay log ---\n" + log;
    }

    private synchronized void note(String s) {
        log.append(s).append('\n');
    }

    private void acceptOne() {
        try {
            Socket scamper = listener.accept();
            sockets.add(scamper);
            Socket server = new Socket();
            sockets.add(server);
            server.connect(target, 5000);
            serverSidePort.complete(server.getLocalPort());
            note("scamper " + scamper.getRemoteSocketAddress() + " <-> relay " + server.getLocalSocketAddress()
                    + " -> " + target);
            threads.add(Thread.ofVirtual().start(() -> copy(scamper, server, false)));
            threads.add(Thread.ofVirtual().start(() -> copy(server, scamper, true)));
        } catch (IOException e) {
            if (!listener.isClosed()) {
                note("relay accept failed: " + e);
            }
            serverSidePort.completeExceptionally(e);
            masterId.completeExceptionally(e);
        }
    }

    private void copy(Socket from, Socket to, boolean parse) {
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
                if (parse && !masterId.isDone()) {
                    acc.write(buf, 0, n);
                    parseFrames(acc);
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // connection over
        }
        if (parse && !masterId.isDone()) {
            masterId.completeExceptionally(new IOException("server->scamper stream ended without MASTER_ID"));
        }
    }

    private void parseFrames(ByteArrayOutputStream acc) {
        byte[] b = acc.toByteArray();
        int pos = 0;
        while (b.length - pos >= 10) {
            long seq = u32(b, pos);
            long chan = u32(b, pos + 4);
            int len = ((b[pos + 8] & 0xff) << 8) | (b[pos + 9] & 0xff);
            if (b.length - pos - 10 < len) {
                break;
            }
            int p = pos + 10;
            note("server->scamper seq=" + seq + " chan=" + chan + " len=" + len
                    + (chan == 0 && len > 0 ? " type=" + (b[p] & 0xff) : ""));
            if (chan == 0 && len >= 2 && b[p] == 1 && !masterId.isDone()) {
                int idLen = b[p + 1] & 0xff;
                if (idLen < 1 || 2 + idLen != len || b[p + 1 + idLen] != 0) {
                    masterId.completeExceptionally(new IOException("malformed MASTER_ID: len " + len
                            + " id_len " + idLen));
                } else {
                    masterId.complete(new String(b, p + 2, idLen - 1, StandardCharsets.ISO_8859_1));
                }
            }
            pos += 10 + len;
        }
        acc.reset();
        acc.write(b, pos, b.length - pos);
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // ignore
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // ignore
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
