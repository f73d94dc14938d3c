package scremoted.buffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Direct buffers for large data payloads, reused. The JDK copies a heap array through a temporary
 * direct buffer on every socket read and write; a payload read into a direct buffer and written
 * from it is copied only by the kernel.
 *
 * <p>At most {@code maxBuffers} direct buffers ever exist (a bounded amount of off-heap memory);
 * past that, and for small payloads, {@link #take} returns an ordinary heap buffer, which works
 * the same, with the copies. Whoever holds a taken buffer last gives it back with {@link #release}
 * once it is written or dropped; releasing a heap buffer does nothing. A direct buffer that is never
 * released is collected as garbage and only lowers the number in use.
 *
 * <p>Threads: any; one short lock.
 */
public final class PayloadPool {
    /** Every direct buffer holds the largest payload. */
    public static final int BUFFER_BYTES = 65536;
    /** Below this a payload is copied cheaply enough, and would waste most of a direct buffer. */
    public static final int MIN_DIRECT_PAYLOAD = 4096;

    private final int maxBuffers;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int created;

    public PayloadPool(int maxBuffers) {
        this.maxBuffers = maxBuffers;
    }

    /** A buffer with position 0 and limit {@code length}: direct when the length and the pool allow. */
    public ByteBuffer take(int length) {
        if (length < MIN_DIRECT_PAYLOAD || length > BUFFER_BYTES) {
            return ByteBuffer.allocate(length);
        }
        ByteBuffer buffer = null;
        boolean create = false;
        lock.lock();
        try {
            buffer = free.pollFirst();
            if (buffer == null && created < maxBuffers) {
                created++;
                create = true;
            }
        } finally {
            lock.unlock();
        }
        if (create) {
            buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        } else if (buffer == null) {
            return ByteBuffer.allocate(length);
        }
        return buffer.clear().limit(length);
    }

    /** Gives back a buffer from {@link #take}; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        if (!buffer.isDirect() || buffer.capacity() != BUFFER_BYTES) {
            return;
        }
        lock.lock();
        try {
            free.addFirst(buffer);
        } finally {
            lock.unlock();
        }
    }

    /** Direct buffers in existence (in use or free): for tests. */
    public int created() {
        lock.lock();
        try {
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** Direct buffers waiting to be reused: for tests. */
    public int free() {
        lock.lock();
        try {
            return free.size();
        } finally {
            lock.unlock();
        }
    }
}
