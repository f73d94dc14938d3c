package scremoted.session;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import scremoted.log.Log;

/**
 * One TCP (or TLS) connection to a scamper, while a session uses it.
 *
 * <p>Threads: the connection's own virtual thread reads (see {@link Session#serve}); a writer
 * virtual thread, started when frames are queued and ending when they are written (an idle
 * monitor costs no writer stack), is the only one that writes to the socket. Others hand it
 * encoded frames through {@link #enqueue}, which never blocks: the session stamps a sequence
 * number and enqueues under its lock, so frames reach the wire in sequence order.
 */
public final class Link {
    /** A scamper that stops reading makes our frames pile up; past this the link is dead. */
    private static final long MAX_PENDING_BYTES = 32L << 20;
    /** Small frames queued together are copied into one write of at most this size. */
    private static final int COALESCE_BYTES = 64 << 10;

    private final Socket tcp;
    private final OutputStream out;
    private final String address;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private long pendingBytes;
    /** A writer thread is running; at most one is, and only while there is something to write. */
    private boolean writing;
    private boolean closed;
    private Session owner;
    volatile long lastReceived;
    volatile long lastSent;
    private volatile ScheduledFuture<?> receiveCheck;
    private volatile ScheduledFuture<?> keepaliveCheck;

    /**
     * @param transport what frames are written to: the TCP socket, or the TLS socket over it
     * @param tcp the TCP socket itself. Closing it, not a TLS layer (which would try to write a
     *     close_notify and could block on a stalled peer), is what ends the link.
     * @param address the monitor's address string (PROTOCOL.md section 9), e.g. {@code 192.0.2.1:1025}
     */
    public Link(Socket transport, Socket tcp, String address) throws IOException {
        this.tcp = tcp;
        this.out = transport.getOutputStream();
        this.address = address;
        long now = System.nanoTime();
        lastReceived = now;
        lastSent = now;
    }

    public String address() {
        return address;
    }

    /** Starts the writer for this link on behalf of its session, and the link's timers. */
    void start(Session session, Timers timers, SessionPolicy policy) {
        owner = session;
        armReceiveCheck(timers, policy, policy.receiveNanos());
        armKeepaliveCheck(timers, policy, policy.keepaliveNanos());
    }

    /** Queues one encoded frame. False when the link is closed or hopelessly backed up. */
    boolean enqueue(byte[] frame) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (pendingBytes + frame.length > MAX_PENDING_BYTES) {
                return false;
            }
            pending.addLast(frame);
            pendingBytes += frame.length;
            if (!writing) {
                writing = true;
                Thread.ofVirtual().start(this::drain);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void received() {
        lastReceived = System.nanoTime();
    }

    /** Stops the writer and closes the socket, which ends the reader's blocking read. */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
        } finally {
            lock.unlock();
        }
        if (receiveCheck != null) {
            receiveCheck.cancel(false);
        }
        if (keepaliveCheck != null) {
            keepaliveCheck.cancel(false);
        }
        try {
            tcp.close();
        } catch (IOException e) {
            Log.debug("link", () -> address + ": close: " + e.getMessage());
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** The writer: runs while frames are pending, and exits when they are written. */
    private void drain() {
        ArrayDeque<byte[]> batch = new ArrayDeque<>();
        try {
            for (;;) {
                lock.lock();
                try {
                    if (closed || pending.isEmpty()) {
                        writing = false;
                        return;
                    }
                    batch.addAll(pending);
                    pending.clear();
                    pendingBytes = 0;
                } finally {
                    lock.unlock();
                }
                writeBatch(batch);
                lastSent = System.nanoTime();
            }
        } catch (IOException e) {
            owner.linkDown(this, "write: " + e.getMessage());
        }
    }

    /** Every frame goes out whole in one write; runs of small frames share one write. */
    private void writeBatch(ArrayDeque<byte[]> batch) throws IOException {
        byte[] buffer = null;
        int used = 0;
        while (!batch.isEmpty()) {
            byte[] frame = batch.pollFirst();
            if (frame.length >= COALESCE_BYTES / 2 || batch.isEmpty() && used == 0) {
                if (used > 0) {
                    out.write(buffer, 0, used);
                    used = 0;
                }
                out.write(frame);
                continue;
            }
            if (buffer == null) {
                buffer = new byte[COALESCE_BYTES];
            }
            if (used + frame.length > buffer.length) {
                out.write(buffer, 0, used);
                used = 0;
            }
            System.arraycopy(frame, 0, buffer, used, frame.length);
            used += frame.length;
        }
        if (used > 0) {
            out.write(buffer, 0, used);
        }
        out.flush();
    }

    private void armReceiveCheck(Timers timers, SessionPolicy policy, long delay) {
        ScheduledFuture<?> f = timers.check(delay, () -> {
            if (isClosed()) {
                return;
            }
            long idle = System.nanoTime() - lastReceived;
            if (idle >= policy.receiveNanos()) {
                Thread.ofVirtual().start(() -> owner.linkDown(this, "nothing received for "
                        + idle / 1_000_000 + " ms"));
            } else {
                armReceiveCheck(timers, policy, policy.receiveNanos() - idle);
            }
        });
        receiveCheck = f;
    }

    private void armKeepaliveCheck(Timers timers, SessionPolicy policy, long delay) {
        ScheduledFuture<?> f = timers.check(delay, () -> {
            if (isClosed()) {
                return;
            }
            long idle = System.nanoTime() - lastSent;
            if (idle >= policy.keepaliveNanos()) {
                lastSent = System.nanoTime();
                Thread.ofVirtual().start(() -> owner.keepalive(this));
                armKeepaliveCheck(timers, policy, policy.keepaliveNanos());
            } else {
                armKeepaliveCheck(timers, policy, policy.keepaliveNanos() - idle);
            }
        });
        keepaliveCheck = f;
    }
}
