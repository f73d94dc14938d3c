package scremoted.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;

/**
 * A stream (a TLS socket's, a test's) as a channel that reads into heap buffers directly, without
 * the intermediate array of {@link java.nio.channels.Channels#newChannel(InputStream)}. One read
 * call fills at most the first buffer with room.
 */
final class StreamChannel implements ScatteringByteChannel {
    private final InputStream in;

    StreamChannel(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasArray()) {
            throw new IllegalArgumentException("a stream reads into heap buffers only");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
