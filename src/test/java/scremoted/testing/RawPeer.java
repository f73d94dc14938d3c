package scremoted.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import scremoted.wire.Frame;
import scremoted.wire.FrameReader;

/**
 * A TCP peer that writes arbitrary bytes to the server's monitor port and records what comes back and
 * whether (and when) the server closes the connection. Threads: the test thread writes; one daemon
 * reader thread reads until EOF or reset.
 */
public final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final ByteArrayOutputStream in = new ByteArrayOutputStream();
    private final long openedNanos = System.nanoTime();
    private volatile long closedNanos;
    private volatile boolean closed;
    private volatile boolean aborted;
    private final Thread reader;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        InputStream input = socket.getInputStream();
        reader = Thread.ofPlatform().daemon().name("raw-peer-" + socket.getLocalPort()).start(() -> {
            byte[] b = new byte[8192];
            try {
                int n;
                while ((n = input.read(b)) >= 0) {
                    synchronized (in) {
                        in.write(b, 0, n);
                    }
                }
            } catch (IOException e) {
                // reset counts as closed
            } finally {
                closedNanos = System.nanoTime();
                closed = true;
            }
        });
    }

    public static RawPeer connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(server, 5000);
        return new RawPeer(s);
    }

    /** Wraps a socket that is already connected (for example bound to a chosen local port first). */
    public static RawPeer of(Socket connected) throws IOException {
        return new RawPeer(connected);
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** Writes, reporting false instead of throwing when the server has already closed the connection. */
    public boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean write(Frame f) {
        return write(f.encode());
    }

    /** Whether the server has closed the connection (EOF or reset seen by our reader). */
    public boolean closedByServer() {
        return closed && !aborted;
    }

    public void awaitClosedByServer(Duration timeout) {
        Await.until("server closing the raw connection from port " + socket.getLocalPort(), timeout,
                this::closedByServer);
    }

    /** Milliseconds from opening the connection to the server closing it. */
    public long millisUntilClosed() {
        if (!closed) {
            throw new IllegalStateException("still open");
        }
        return (closedNanos - openedNanos) / 1_000_000;
    }

    public byte[] receivedBytes() {
        synchronized (in) {
            return in.toByteArray();
        }
    }

    /** The whole frames received so far. */
    public List<Frame> receivedFrames() {
        List<Frame> frames = new ArrayList<>();
        FrameReader r = new FrameReader(new ByteArrayInputStream(receivedBytes()));
        try {
            Frame f;
            while ((f = r.read()) != null) {
                frames.add(f);
            }
        } catch (IOException e) {
            // a trailing partial frame
        }
        return frames;
    }

    /** Aborts the connection from our side. */
    @Override
    public void close() {
        aborted = !closed;
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // ignore
        }
        try {
            socket.close();
        } catch (IOException e) {
            // ignore
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
