package scremoted.relay;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import scremoted.buffer.PayloadPool;
import scremoted.log.Log;
import scremoted.session.ChannelEndpoint;
import scremoted.session.ClientBacklog;
import scremoted.session.Session;

/**
 * A client on a monitor's unix socket, bound to one channel of the session.
 *
 * <p>Threads: a reader virtual thread (client bytes to {@link Session#sendData}) and a writer
 * virtual thread (this connection's bounded queue to the socket). The session fills the queue
 * from the monitor's reader without blocking, and pauses that reader while the client is behind
 * ({@link #awaitBacklog}); a client that stops taking bytes, or lets the queue overflow, is dropped.
 */
public final class ClientConnection implements ChannelEndpoint {
    private static final int READ_BUFFER = 16 << 10;
    /** A deep kernel buffer towards the client: fewer wake-ups on bulk transfers. */
    private static final int SEND_BUFFER = 1 << 20;

    private final SocketChannel socket;
    private final Session session;
    private final PayloadPool pool;
    private final ClientBacklog allClients;
    private final int queueLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    /** Queued, plus what the writer has taken and not yet written. */
    private long queuedBytes;
    /** When the client last took bytes, or when its backlog last became non-empty. */
    private long lastProgress;
    private boolean finishing;
    private boolean aborted;
    private int channel;

    private ClientConnection(SocketChannel socket, Session session, PayloadPool pool, ClientBacklog allClients,
            int queueLimit) {
        this.socket = socket;
        this.session = session;
        this.pool = pool;
        this.allClients = allClients;
        this.queueLimit = queueLimit;
    }

    /**
     * Opens a channel for a newly accepted client and starts relaying.
     *
     * @param pool where delivered payloads go back once written or dropped
     * @param allClients what waits for all clients together, kept up to date with this one's queue
     */
    public static void start(SocketChannel socket, Session session, PayloadPool pool, ClientBacklog allClients,
            int queueLimit) {
        ClientConnection client = new ClientConnection(socket, session, pool, allClients, queueLimit);
        try {
            socket.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
        } catch (IOException e) {
            Log.debug("client", () -> "SO_SNDBUF: " + e.getMessage());
        }
        int id = session.openChannel(client);
        if (id < 0) {
            closeQuietly(socket);
            return;
        }
        client.channel = id;
        String name = "client " + Integer.toUnsignedString(id);
        Thread.ofVirtual().name(name + " reader").start(client::readLoop);
        Thread.ofVirtual().name(name + " writer").start(client::writeLoop);
    }

    @Override
    public long deliver(ByteBuffer data) {
        lock.lock();
        try {
            if (aborted) {
                pool.release(data);
                return 0;
            }
            if (queuedBytes + data.remaining() > queueLimit) {
                pool.release(data);
                return -1;
            }
            if (queuedBytes == 0) {
                lastProgress = System.nanoTime();
            }
            queuedBytes += data.remaining();
            allClients.add(data.remaining());
            queue.addLast(data);
            if (queue.size() == 1) {
                ready.signal();
            }
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitBacklog(LongSupplier bytes, long stallNanos) throws InterruptedException {
        lock.lock();
        try {
            while (queuedBytes > bytes.getAsLong() && !aborted) {
                long idle = System.nanoTime() - lastProgress;
                if (idle >= stallNanos) {
                    return false;
                }
                progress.awaitNanos(stallNanos - idle);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void finish() {
        lock.lock();
        try {
            finishing = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            Log.debug("client", () -> "channel " + Integer.toUnsignedString(channel) + ": shutdown: " + e.getMessage());
        }
    }

    @Override
    public void abort() {
        lock.lock();
        try {
            aborted = true;
            for (ByteBuffer b : queue) {
                pool.release(b);
            }
            queue.clear();
            allClients.add(-queuedBytes);
            queuedBytes = 0;
            ready.signal();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(socket);
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
        try {
            for (;;) {
                buffer.clear();
                int n = socket.read(buffer);
                if (n < 0) {
                    break;
                }
                if (n > 0 && !session.sendData(channel, buffer.array(), 0, n)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (isAborted()) {
                return;
            }
            Log.debug("client", () -> "channel " + Integer.toUnsignedString(channel) + ": read: " + e.getMessage());
        } catch (InterruptedException e) {
            return;
        }
        session.clientEof(channel);
    }

    private void writeLoop() {
        ByteBuffer[] batch = new ByteBuffer[0];
        try {
            for (;;) {
                int count;
                lock.lock();
                try {
                    while (queue.isEmpty() && !finishing && !aborted) {
                        ready.await();
                    }
                    if (aborted) {
                        return;
                    }
                    if (queue.isEmpty()) {
                        break;
                    }
                    count = queue.size();
                    if (batch.length < count) {
                        batch = new ByteBuffer[Math.max(count, 16)];
                    }
                    for (int i = 0; i < count; i++) {
                        batch[i] = queue.pollFirst();
                    }
                } finally {
                    lock.unlock();
                }
                writeFully(batch, count);
            }
        } catch (IOException e) {
            Log.debug("client", () -> "channel " + Integer.toUnsignedString(channel) + ": write: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abort();
        session.clientClosed(channel);
    }

    /** Writes the batch, releasing each buffer once written, and the rest if the write fails. */
    private void writeFully(ByteBuffer[] batch, int count) throws IOException {
        int first = 0;
        try {
            while (first < count) {
                long written = socket.write(batch, first, count - first);
                while (first < count && !batch[first].hasRemaining()) {
                    pool.release(batch[first]);
                    batch[first++] = null;
                }
                tookBytes(written);
            }
        } finally {
            for (; first < count; first++) {
                pool.release(batch[first]);
                batch[first] = null;
            }
        }
    }

    private void tookBytes(long written) {
        lock.lock();
        try {
            if (aborted) {
                return;
            }
            queuedBytes -= written;
            allClients.add(-written);
            lastProgress = System.nanoTime();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean isAborted() {
        lock.lock();
        try {
            return aborted;
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            Log.debug("client", () -> "close: " + e.getMessage());
        }
    }
}
