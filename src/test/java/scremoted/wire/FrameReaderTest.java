package scremoted.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static scremoted.wire.WireTestSupport.bytes;
import static scremoted.wire.WireTestSupport.concat;
import static scremoted.wire.WireTestSupport.header;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scremoted.buffer.PayloadPool;
import scremoted.wire.WireTestSupport.ChunkedInputStream;
import scremoted.wire.WireTestSupport.ChunkedScatterChannel;
import scremoted.wire.WireTestSupport.OneByteInputStream;

class FrameReaderTest {
    private static final int B = FrameReader.CARRY;


    /**
     * The ways the tests deliver a byte stream: streams (heap payloads, some from a pool), and
     * scattering channels with a pool (large data payloads in direct buffers, read together with
     * what follows).
     */
    private static final List<Function<byte[], FrameReader>> DELIVERIES = List.of(
            b -> new FrameReader(new ByteArrayInputStream(b)),
            b -> new FrameReader(new OneByteInputStream(b)),
            b -> new FrameReader(new ChunkedInputStream(b, 42, 3000)),
            b -> new FrameReader(new ChunkedInputStream(b, 7, 5000), new PayloadPool(4)),
            b -> new FrameReader(new ChunkedScatterChannel(b, Integer.MAX_VALUE), new PayloadPool(4)),
            b -> new FrameReader(new ChunkedScatterChannel(b, 1), new PayloadPool(4)),
            b -> new FrameReader(new ChunkedScatterChannel(b, 3000), new PayloadPool(1000)));

    private static byte[] pattern(int length, int salt) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (i * 31 + salt + (i >>> 8));
        }
        return p;
    }

    private static byte[] frame(int seq, int channel, byte[] payload) {
        return Frame.encode(seq, channel, payload, 0, payload.length);
    }

    private static void assertFrame(Frame f, int seq, int channel, byte[] payload) {
        assertNotNull(f, "expected a frame, got end of stream");
        assertEquals(seq, f.seq(), "seq");
        assertEquals(channel, f.channel(), "channel");
        assertEquals(payload.length, f.payload().length, "length");
        assertArrayEquals(payload, f.payload(), "payload");
    }

    @Test
    void emptyStreamIsACleanEnd() throws IOException {
        for (var d : DELIVERIES) {
            FrameReader r = (d.apply(new byte[0]));
            assertNull(r.read());
            assertNull(r.read(), "still at the end");
        }
    }

    @Test
    void cleanEndBetweenFrames() throws IOException {
        byte[] a = pattern(5, 1);
        byte[] b = pattern(1, 2);
        byte[] stream = concat(frame(1, 2, a), frame(0xffffffff, 0xffffffff, b));
        for (var d : DELIVERIES) {
            FrameReader r = (d.apply(stream));
            assertFrame(r.read(), 1, 2, a);
            assertFrame(r.read(), 0xffffffff, 0xffffffff, b);
            assertNull(r.read());
            assertNull(r.read());
        }
    }

    @Test
    void headerFieldsAreBigEndianAndUnsigned() throws IOException {
        byte[] raw = bytes(0x80, 0x01, 0x02, 0x03, 0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x02, 0xaa, 0xbb);
        Frame f = new FrameReader(new ByteArrayInputStream(raw)).read();
        assertFrame(f, 0x80010203, 0xfffefdfc, bytes(0xaa, 0xbb));
        assertFalse(f.isControl());
    }

    @Test
    void lengthZeroIsAProtocolError() {
        for (var d : DELIVERIES) {
            assertThrows(ProtocolException.class, () -> (d.apply(header(0, 0, 0))).read());
            assertThrows(ProtocolException.class, () -> (d.apply(header(5, 1, 0))).read());
            // with more bytes after it, and after a good frame
            FrameReader r = (d.apply(concat(frame(0, 0, bytes(4)), header(1, 0, 0), frame(1, 0, bytes(4)))));
            try {
                assertFrame(r.read(), 0, 0, bytes(4));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThrows(ProtocolException.class, r::read);
        }
    }

    @Test
    void streamEndingInsideAHeaderIsEof() throws IOException {
        byte[] good = frame(7, 0, bytes(4));
        byte[] h = header(1, 2, 3);
        for (int cut = 1; cut < Frame.HEADER_LENGTH; cut++) {
            byte[] partial = Arrays.copyOf(h, cut);
            for (var d : DELIVERIES) {
                int c = cut;
                assertThrows(EOFException.class, () -> (d.apply(partial)).read(), "cut " + c);
                // after a complete frame as well
                FrameReader r = (d.apply(concat(good, partial)));
                assertFrame(r.read(), 7, 0, bytes(4));
                assertThrows(EOFException.class, r::read, "cut " + c);
            }
        }
    }

    @Test
    void streamEndingInsideAPayloadIsEof() throws IOException {
        for (int length : new int[] {1, 5, B - 10, B - 9, B, 4000, 65535}) {
            byte[] payload = pattern(length, length);
            byte[] whole = frame(3, 9, payload);
            int[] cuts = {Frame.HEADER_LENGTH, Frame.HEADER_LENGTH + 1, Frame.HEADER_LENGTH + length / 2,
                    Frame.HEADER_LENGTH + B - 10, Frame.HEADER_LENGTH + B, whole.length - 1};
            for (int cut : cuts) {
                if (cut >= whole.length || cut < Frame.HEADER_LENGTH) {
                    continue;
                }
                byte[] partial = Arrays.copyOf(whole, cut);
                for (var d : DELIVERIES) {
                    String what = "length " + length + " cut " + cut;
                    assertThrows(EOFException.class, () -> (d.apply(partial)).read(), what);
                }
            }
            // and the whole frame reads
            for (var d : DELIVERIES) {
                FrameReader r = (d.apply(whole));
                assertFrame(r.read(), 3, 9, payload);
                assertNull(r.read());
            }
        }
    }

    @Test
    void maximumPayloadBetweenSmallFrames() throws IOException {
        byte[] big = pattern(Frame.MAX_PAYLOAD, 77);
        byte[] small = bytes(5, 0, 0, 0, 9);
        byte[] stream = concat(frame(0, 0, small), frame(1, 1, big), frame(2, 0, small), frame(3, 2, big), frame(4, 3, bytes(1)));
        for (var d : DELIVERIES) {
            FrameReader r = (d.apply(stream));
            assertFrame(r.read(), 0, 0, small);
            assertFrame(r.read(), 1, 1, big);
            assertFrame(r.read(), 2, 0, small);
            assertFrame(r.read(), 3, 2, big);
            assertFrame(r.read(), 4, 3, bytes(1));
            assertNull(r.read());
        }
    }

    /**
     * Frames whose headers and payloads fall across the reader's buffer at every offset: a
     * leading frame of length L shifts everything after it by L.
     */
    @Test
    void framesStraddlingBufferBoundaries() throws IOException {
        int[] tail = {1, 9, 10, 11, B - 11, B - 10, B - 9, B, B + 1, 4096, 3, 65535, 2, 1};
        for (int lead = 1; lead <= B + 60; lead += (lead > B - 60 && lead < B + 20) ? 1 : 37) {
            List<byte[]> payloads = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            payloads.add(pattern(lead, lead));
            for (int i = 0; i < tail.length; i++) {
                payloads.add(pattern(tail[i], lead + i));
            }
            for (int i = 0; i < payloads.size(); i++) {
                out.writeBytes(frame(i, i % 3, payloads.get(i)));
            }
            byte[] stream = out.toByteArray();
            List<Function<byte[], FrameReader>> ways = lead % 7 == 0 ? DELIVERIES : DELIVERIES.subList(0, 1);
            for (var d : ways) {
                FrameReader r = (d.apply(stream));
                for (int i = 0; i < payloads.size(); i++) {
                    assertFrame(r.read(), i, i % 3, payloads.get(i));
                }
                assertNull(r.read(), "lead " + lead);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 9, 10, 11, 100, FrameReader.CARRY - 1, FrameReader.CARRY, FrameReader.CARRY + 1, 5000})
    void fixedChunkSizes(int chunk) throws IOException {
        Random rnd = new Random(chunk);
        List<byte[]> payloads = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            int len = switch (i % 4) {
                case 0 -> 1 + rnd.nextInt(20);
                case 1 -> 1 + rnd.nextInt(3000);
                case 2 -> 2030 + rnd.nextInt(30);
                default -> 1 + rnd.nextInt(Frame.MAX_PAYLOAD);
            };
            byte[] p = new byte[len];
            rnd.nextBytes(p);
            payloads.add(p);
            out.writeBytes(frame(i * 3, i, p));
        }
        byte[] stream = out.toByteArray();
        InputStream in = new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < stream.length ? stream[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= stream.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), stream.length - pos);
                System.arraycopy(stream, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        FrameReader r = new FrameReader(in);
        for (int i = 0; i < payloads.size(); i++) {
            assertFrame(r.read(), i * 3, i, payloads.get(i));
        }
        assertNull(r.read());
    }

    @Test
    void readerDoesNotOverrunIntoTheNextFrameWhenPayloadsAreReadDirectly() throws IOException {
        // a payload larger than the buffer is read straight from the stream; the reader must ask for
        // exactly the missing bytes, so the following frame's header stays intact
        byte[] big = pattern(5000, 1);
        byte[] stream = concat(frame(1, 1, big), frame(2, 0, bytes(4)), frame(3, 1, big));
        for (var d : DELIVERIES) {
            FrameReader r = (d.apply(stream));
            assertFrame(r.read(), 1, 1, big);
            assertFrame(r.read(), 2, 0, bytes(4));
            assertFrame(r.read(), 3, 1, big);
            assertNull(r.read());
        }
    }

    @Test
    void withAPoolLargeDataPayloadsAreDirectAndTheRestHeap() throws IOException {
        PayloadPool pool = new PayloadPool(8);
        byte[] big = pattern(PayloadPool.MIN_POOLED_PAYLOAD, 3);
        byte[] small = pattern(PayloadPool.MIN_POOLED_PAYLOAD - 1, 4);
        byte[] stream = concat(frame(1, 7, big), frame(2, 0, big), frame(3, 7, small));
        FrameReader r = new FrameReader(new ChunkedScatterChannel(stream, 1000), pool);
        Frame data = r.read();
        assertFrame(data, 1, 7, big);
        assertTrue(data.data().isDirect(), "large data payload");
        Frame control = r.read();
        assertFrame(control, 2, 0, big);
        assertFalse(control.data().isDirect(), "control payloads are never pooled");
        Frame smallData = r.read();
        assertFrame(smallData, 3, 7, small);
        assertFalse(smallData.data().isDirect(), "small data payload");
        assertNull(r.read());
        assertEquals(1, pool.created());
    }

    @Test
    void fromAStreamWithAPoolLargeDataPayloadsArePooledHeapBuffers() throws IOException {
        PayloadPool pool = new PayloadPool(8);
        byte[] big = pattern(20_000, 8);
        FrameReader r = new FrameReader(new ByteArrayInputStream(concat(frame(1, 2, big), frame(2, 2, big))), pool);
        Frame first = r.read();
        assertFrame(first, 1, 2, big);
        assertFalse(first.data().isDirect());
        assertEquals(PayloadPool.BUFFER_BYTES, first.data().capacity(), "pooled");
        pool.release(first.data());
        Frame second = r.read();
        assertFrame(second, 2, 2, big);
        assertSame(first.data(), second.data(), "reused");
        assertEquals(1, pool.created());
    }

    @Test
    void aRunOfLargeFramesTakesOneReadCallEach() throws IOException {
        byte[] big = pattern(Frame.MAX_PAYLOAD, 5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int frames = 20;
        for (int i = 0; i < frames; i++) {
            out.writeBytes(frame(i, 1, big));
        }
        ChunkedScatterChannel channel = new ChunkedScatterChannel(out.toByteArray(), Integer.MAX_VALUE);
        PayloadPool pool = new PayloadPool(2);
        FrameReader r = new FrameReader(channel, pool);
        for (int i = 0; i < frames; i++) {
            Frame f = r.read();
            assertFrame(f, i, 1, big);
            pool.release(f.data());
        }
        assertNull(r.read());
        // the first header, then one scattering read per payload (bringing the next header), then the end
        assertEquals(frames + 2, channel.calls);
        assertEquals(1, pool.created(), "each payload's buffer was released and reused");
    }

    @Test
    void aStreamEndingInsideAPooledPayloadGivesItsBufferBack() {
        PayloadPool pool = new PayloadPool(1);
        byte[] whole = frame(1, 1, pattern(10_000, 6));
        byte[] cut = Arrays.copyOf(whole, 6_000);
        FrameReader r = new FrameReader(new ChunkedScatterChannel(cut, 1000), pool);
        assertThrows(EOFException.class, r::read);
        assertEquals(1, pool.created());
        assertEquals(1, pool.free());
    }

    @Test
    void randomStreamsOnlyGiveFramesOrIoExceptions() {
        Random rnd = new Random(20260420L);
        int frames = 0;
        int eofs = 0;
        int protocolErrors = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] data = new byte[rnd.nextInt(300)];
            rnd.nextBytes(data);
            // make short lengths likely so that some frames complete
            for (int at = 8; at + 1 < data.length; at += 10 + rnd.nextInt(40)) {
                data[at] = 0;
                data[at + 1] = (byte) rnd.nextInt(rnd.nextBoolean() ? 3 : 40);
            }
            FrameReader r = new FrameReader(new ChunkedInputStream(data, round, 64));
            try {
                while (r.read() != null) {
                    frames++;
                }
            } catch (ProtocolException e) {
                protocolErrors++;
            } catch (EOFException e) {
                eofs++;
            } catch (IOException e) {
                throw new AssertionError("unexpected IOException type", e);
            }
        }
        assertTrue(frames > 100 && eofs > 100 && protocolErrors > 100,
                "frames " + frames + " eofs " + eofs + " protocol errors " + protocolErrors);
    }
}
