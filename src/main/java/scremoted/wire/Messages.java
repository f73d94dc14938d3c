package scremoted.wire;

/** Frames carrying control messages. */
public final class Messages {
    private Messages() {}

    /** The control message a channel-0 frame carries. */
    public static Control decode(Frame frame) throws ProtocolException {
        if (!frame.isControl()) {
            throw new IllegalArgumentException("not a control frame");
        }
        return Control.decode(frame.payload());
    }

    /** A control message as one encoded frame with the given sequence number. */
    public static byte[] encode(int seq, Control message) {
        byte[] p = message.encode();
        return Frame.encode(seq, 0, p, 0, p.length);
    }
}
