package scremoted.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A local client on a monitor's unix socket. Threads: the test thread writes; {@link #startReading()}
 * starts one daemon thread that reads until EOF (or reset) into a buffer.
 */
public final class UnixClient implements AutoCloseable {
    private final SocketChannel channel;
    private final ByteArrayOutputStream got = new ByteArrayOutputStream();
    private volatile boolean eof;
    private volatile IOException readError;
    private Thread reader;

    private UnixClient(SocketChannel channel) {
        this.channel = channel;
    }

    public static UnixClient connect(Path socket) throws IOException {
        return new UnixClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    /** Writes all bytes (blocking while the server applies backpressure). */
    public void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes on a background thread (for floods that may block); returns the thread. */
    public Thread writeInBackground(byte[] bytes) {
        return Thread.ofPlatform().daemon().name("unix-client-writer").start(() -> {
            try {
                write(bytes);
            } catch (IOException e) {
                // the server dropped us
            }
        });
    }

    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    public synchronized void startReading() {
        if (reader != null) {
            return;
        }
        reader = Thread.ofPlatform().daemon().name("unix-client-reader").start(() -> {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            try {
                while (channel.read(b) >= 0) {
                    b.flip();
                    synchronized (got) {
                        got.write(b.array(), 0, b.limit());
                    }
                    b.clear();
                }
            } catch (IOException e) {
                readError = e;
            } finally {
                eof = true;
            }
        });
    }

    public int receivedCount() {
        synchronized (got) {
            return got.size();
        }
    }

    public byte[] received() {
        synchronized (got) {
            return got.toByteArray();
        }
    }

    public String receivedText() {
        return new String(received(), StandardCharsets.ISO_8859_1);
    }

    /** True once the reader saw EOF (or the connection was reset). */
    public boolean eof() {
        return eof;
    }

    public IOException readError() {
        return readError;
    }

    public byte[] awaitBytes(int n, Duration timeout) {
        startReading();
        Await.until(() -> n + " bytes at the unix client, have " + receivedCount() + (eof ? " (EOF)" : ""),
                timeout, () -> receivedCount() >= n);
        return received();
    }

    /** Reads until EOF and returns everything received. */
    public byte[] readAllUntilEof(Duration timeout) {
        startReading();
        Await.until(() -> "EOF at the unix client (have " + receivedCount() + " bytes)", timeout, () -> eof);
        return received();
    }

    public void awaitEof(Duration timeout) {
        readAllUntilEof(timeout);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
