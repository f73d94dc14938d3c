package scremoted.wire;

import java.io.IOException;

/** The peer broke the protocol: the connection is to be closed, and the session with it. */
public final class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
