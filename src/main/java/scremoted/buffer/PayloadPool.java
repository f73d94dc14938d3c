package scremoted.buffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Buffers for large data payloads, reused, so that relaying allocates nothing per message. Direct
 * buffers serve plaintext monitors: the JDK copies a heap array through a temporary direct buffer
 * on every socket read and write, while a payload read into a direct buffer and written from it is
 * copied only by the kernel. Heap buffers serve TLS monitors, whose decrypted bytes come as arrays.
 *
 * <p>At most {@code maxBuffers} pooled buffers ever exist (a bounded amount of memory); past that,
 * and for small payloads, {@link #take} returns a heap buffer of the payload's exact size, which
 * works the same, with an allocation. Whoever holds a taken buffer last gives it back with
 * {@link #release} once it is written or dropped; releasing any other buffer does nothing. A pooled
 * buffer that is never released is collected as garbage and only lowers the number in use.
 *
 * <p>Threads: any; one short lock.
 */
public final class PayloadPool {
    /**
     * Every pooled buffer holds the largest payload; no payload needs a buffer this large, so the
     * capacity tells a pooled buffer from an exact-size one.
     */
    public static final int BUFFER_BYTES = 65536;
    /** Below this a payload is copied or allocated cheaply enough, and would waste most of a buffer. */
    public static final int MIN_POOLED_PAYLOAD = 4096;

    private final int maxBuffers;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> freeDirect = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> freeHeap = new ArrayDeque<>();
    private int created;

    public PayloadPool(int maxBuffers) {
        this.maxBuffers = maxBuffers;
    }

    /**
     * A buffer with position 0 and limit {@code length}: a pooled one, direct or on the heap as
     * asked, when the length and the pool allow; else a heap buffer of exactly that size.
     */
    public ByteBuffer take(int length, boolean direct) {
        if (length < MIN_POOLED_PAYLOAD || length > BUFFER_BYTES) {
            return ByteBuffer.allocate(length);
        }
        ByteBuffer buffer;
        boolean create = false;
        lock.lock();
        try {
            buffer = (direct ? freeDirect : freeHeap).pollFirst();
            if (buffer == null && created < maxBuffers) {
                created++;
                create = true;
            }
        } finally {
            lock.unlock();
        }
        if (create) {
            buffer = direct ? ByteBuffer.allocateDirect(BUFFER_BYTES) : ByteBuffer.allocate(BUFFER_BYTES);
        } else if (buffer == null) {
            return ByteBuffer.allocate(length);
        }
        return buffer.clear().limit(length);
    }

    /** Gives back a buffer from {@link #take}; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        if (buffer.capacity() != BUFFER_BYTES) {
            return;
        }
        lock.lock();
        try {
            (buffer.isDirect() ? freeDirect : freeHeap).addFirst(buffer);
        } finally {
            lock.unlock();
        }
    }

    /** Pooled buffers in existence (in use or free): for tests. */
    public int created() {
        lock.lock();
        try {
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** Pooled buffers waiting to be reused: for tests. */
    public int free() {
        lock.lock();
        try {
            return freeDirect.size() + freeHeap.size();
        } finally {
            lock.unlock();
        }
    }
}
