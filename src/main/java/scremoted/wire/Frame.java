package scremoted.wire;

import java.nio.ByteBuffer;

/**
 * One message as it crosses the wire: header fields and the payload, which is {@code data}'s
 * position to limit (a heap or a direct buffer; see {@link FrameReader}).
 */
public record Frame(int seq, int channel, ByteBuffer data) {
    public static final int HEADER_LENGTH = 10;
    public static final int MAX_PAYLOAD = 65535;

    public Frame(int seq, int channel, byte[] payload) {
        this(seq, channel, ByteBuffer.wrap(payload));
    }

    public boolean isControl() {
        return channel == 0;
    }

    public int length() {
        return data.remaining();
    }

    /** A copy of the payload. */
    public byte[] payload() {
        byte[] copy = new byte[data.remaining()];
        data.get(data.position(), copy);
        return copy;
    }

    /** Header and payload in one array, ready for a single write. */
    public byte[] encode() {
        byte[] p = payload();
        return encode(seq, channel, p, 0, p.length);
    }

    public static byte[] encode(int seq, int channel, byte[] payload, int offset, int length) {
        if (length < 1 || length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload length " + length + " outside 1.." + MAX_PAYLOAD);
        }
        byte[] out = new byte[HEADER_LENGTH + length];
        putInt(out, 0, seq);
        putInt(out, 4, channel);
        out[8] = (byte) (length >>> 8);
        out[9] = (byte) length;
        System.arraycopy(payload, offset, out, HEADER_LENGTH, length);
        return out;
    }

    /** Rewrites the sequence number of an encoded frame in place. */
    public static void stampSeq(byte[] encoded, int seq) {
        putInt(encoded, 0, seq);
    }

    public static int seqOf(byte[] encoded) {
        return getInt(encoded, 0);
    }

    public static int channelOf(byte[] encoded) {
        return getInt(encoded, 4);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
