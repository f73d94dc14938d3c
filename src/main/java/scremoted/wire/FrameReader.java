package scremoted.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;
import scremoted.buffer.PayloadPool;

/**
 * Reads whole frames. Headers and small frames are parsed out of a small carry buffer; a larger
 * payload is read straight into a buffer of its own, together with the bytes that follow it (the
 * next header) in one scattering read, so a stream of large frames costs one read call per frame
 * and no frame-sized buffer is kept per connection.
 *
 * <p>With a {@link PayloadPool}, large data payloads go into the pool's buffers (direct ones when
 * reading from a channel, heap ones from a stream), which the caller hands on and releases;
 * control payloads and the rest are heap buffers of their exact size.
 */
public final class FrameReader {
    /** Holds a header and a run of small frames; an idle connection keeps only this much. */
    static final int CARRY = 512;

    private final ScatteringByteChannel in;
    private final PayloadPool pool;
    private final boolean direct;
    /** Unread bytes between position and limit, between calls. */
    private final ByteBuffer carry;
    private final ByteBuffer[] scatter = new ByteBuffer[2];

    /** Frames from a stream, into heap buffers of their own. */
    public FrameReader(InputStream in) {
        this(in, null);
    }

    /** Frames from a stream; large data payloads into the pool's heap buffers when it is not null. */
    public FrameReader(InputStream in, PayloadPool pool) {
        this(new StreamChannel(in), pool, false);
    }

    /** Frames from a channel; large data payloads into the pool's direct buffers when it is not null. */
    public FrameReader(ScatteringByteChannel in, PayloadPool pool) {
        this(in, pool, true);
    }

    private FrameReader(ScatteringByteChannel in, PayloadPool pool, boolean direct) {
        this.in = in;
        this.pool = pool;
        this.direct = direct;
        this.carry = ByteBuffer.allocate(CARRY).limit(0);
        scatter[1] = carry;
    }

    /**
     * The next frame, or null at a clean end of stream (between frames).
     *
     * @throws EOFException the stream ended inside a frame
     * @throws ProtocolException the header announces an empty payload
     */
    public Frame read() throws IOException {
        if (!fill(Frame.HEADER_LENGTH)) {
            return null;
        }
        int seq = carry.getInt();
        int channel = carry.getInt();
        int length = carry.getShort() & 0xffff;
        if (length == 0) {
            throw new ProtocolException("empty payload on channel " + Integer.toUnsignedString(channel));
        }
        if (length <= carry.remaining()) {
            byte[] payload = new byte[length];
            carry.get(payload);
            return new Frame(seq, channel, payload);
        }
        ByteBuffer payload = channel != 0 && pool != null ? pool.take(length, direct) : ByteBuffer.allocate(length);
        payload.put(carry);
        carry.clear();
        try {
            scatter[0] = payload;
            while (payload.hasRemaining()) {
                if (in.read(scatter) < 0) {
                    throw new EOFException("stream ended inside a frame");
                }
            }
        } catch (IOException e) {
            if (pool != null) {
                pool.release(payload);
            }
            throw e;
        } finally {
            scatter[0] = null;
            carry.flip();
        }
        return new Frame(seq, channel, payload.flip());
    }

    /** True when n bytes are buffered; false at end of stream with nothing buffered. */
    private boolean fill(int n) throws IOException {
        if (carry.remaining() >= n) {
            return true;
        }
        carry.compact();
        try {
            while (carry.position() < n) {
                if (in.read(carry) < 0) {
                    if (carry.position() == 0) {
                        return false;
                    }
                    throw new EOFException("stream ended inside a frame header");
                }
            }
        } finally {
            carry.flip();
        }
        return true;
    }
}
