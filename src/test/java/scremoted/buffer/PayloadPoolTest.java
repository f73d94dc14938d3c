package scremoted.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PayloadPoolTest {
    @Test
    void largePayloadsGetDirectBuffersWithTheirLengthAsLimit() {
        PayloadPool pool = new PayloadPool(2);
        ByteBuffer b = pool.take(PayloadPool.MIN_POOLED_PAYLOAD, true);
        assertTrue(b.isDirect());
        assertEquals(0, b.position());
        assertEquals(PayloadPool.MIN_POOLED_PAYLOAD, b.limit());
        ByteBuffer max = pool.take(65535, true);
        assertTrue(max.isDirect());
        assertEquals(65535, max.limit());
        assertEquals(2, pool.created());
    }

    @Test
    void smallPayloadsGetHeapBuffersOfTheirExactSize() {
        PayloadPool pool = new PayloadPool(2);
        ByteBuffer b = pool.take(PayloadPool.MIN_POOLED_PAYLOAD - 1, true);
        assertFalse(b.isDirect());
        assertEquals(PayloadPool.MIN_POOLED_PAYLOAD - 1, b.capacity());
        assertEquals(0, pool.created());
    }

    @Test
    void pastTheLimitPayloadsGoThroughTheHeap() {
        PayloadPool pool = new PayloadPool(1);
        ByteBuffer first = pool.take(10_000, true);
        ByteBuffer second = pool.take(10_000, true);
        assertTrue(first.isDirect());
        assertFalse(second.isDirect());
        assertEquals(10_000, second.capacity());
        assertEquals(1, pool.created());
    }

    @Test
    void releasedBuffersAreReusedClearedAndNotMultiplied() {
        PayloadPool pool = new PayloadPool(1);
        ByteBuffer b = pool.take(5000, true);
        b.position(1234);
        pool.release(b);
        assertEquals(1, pool.free());
        ByteBuffer again = pool.take(40_000, true);
        assertSame(b, again);
        assertEquals(0, again.position());
        assertEquals(40_000, again.limit());
        assertEquals(0, pool.free());
        assertEquals(1, pool.created());
    }

    @Test
    void heapBuffersArePooledApartFromDirectOnesWithinTheSameLimit() {
        PayloadPool pool = new PayloadPool(2);
        ByteBuffer heap = pool.take(5000, false);
        assertFalse(heap.isDirect());
        assertEquals(PayloadPool.BUFFER_BYTES, heap.capacity());
        assertEquals(5000, heap.limit());
        pool.release(heap);
        assertTrue(pool.take(6000, true).isDirect(), "a free heap buffer is not handed out as direct");
        assertEquals(2, pool.created());
        assertSame(heap, pool.take(7000, false));
        ByteBuffer over = pool.take(8000, false);
        assertEquals(8000, over.capacity(), "past the limit: exact size, not pooled");
    }

    @Test
    void releasingAnExactSizeOrForeignBufferDoesNothing() {
        PayloadPool pool = new PayloadPool(4);
        pool.release(pool.take(100, true));
        pool.release(ByteBuffer.allocate(65535));
        pool.release(ByteBuffer.allocateDirect(1000));
        assertEquals(0, pool.free());
        ByteBuffer b = pool.take(5000, true);
        assertNotSame(null, b);
        assertEquals(1, pool.created());
    }
}
