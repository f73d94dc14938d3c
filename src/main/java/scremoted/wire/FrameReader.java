package scremoted.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads whole frames from a stream. Small frames are parsed out of a small buffer; large payloads
 * are read straight into their own array, so no frame-sized buffer is kept per connection.
 */
public final class FrameReader {
    /** Holds a header and a run of small frames; an idle connection keeps only this much. */
    static final int BUFFER = 512;

    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;

    public FrameReader(InputStream in) {
        this.in = in;
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
        int seq = Frame.getInt(buf, pos);
        int channel = Frame.getInt(buf, pos + 4);
        int length = (buf[pos + 8] & 0xff) << 8 | (buf[pos + 9] & 0xff);
        pos += Frame.HEADER_LENGTH;
        if (length == 0) {
            throw new ProtocolException("empty payload on channel " + Integer.toUnsignedString(channel));
        }
        byte[] payload = new byte[length];
        int have = Math.min(lim - pos, length);
        System.arraycopy(buf, pos, payload, 0, have);
        pos += have;
        while (have < length) {
            int n = in.read(payload, have, length - have);
            if (n < 0) {
                throw new EOFException("stream ended inside a frame");
            }
            have += n;
        }
        return new Frame(seq, channel, payload);
    }

    /** True when n bytes are buffered; false at end of stream with nothing buffered. */
    private boolean fill(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < n) {
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                if (lim == 0) {
                    return false;
                }
                throw new EOFException("stream ended inside a frame header");
            }
            lim += r;
        }
        return true;
    }
}
