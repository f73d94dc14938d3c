package scremoted.session;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * The local end of a channel: a client connection. The session calls these with its lock held,
 * from the monitor's reader thread or from the thread destroying the session, so none may block,
 * except {@link #awaitBacklog}, which the reader calls without the lock.
 */
public interface ChannelEndpoint {
    /**
     * Queue scamper's bytes (position to limit) for the client, taking the buffer over: the
     * endpoint releases it to the pool once written or dropped. Returns the bytes now waiting for
     * the client, or -1 when its bounded queue is full.
     */
    long deliver(ByteBuffer data);

    /** Scamper finished the channel: stop reading the client, write what is queued, then close. */
    void finish();

    /** Close the client connection now, dropping whatever is queued. */
    void abort();

    /**
     * Waits, without the session's lock, until the backlog is at most {@code bytes}, asked again
     * whenever the client takes something. False when the client took nothing for {@code
     * stallNanos} while it had something to take: it is stuck.
     */
    boolean awaitBacklog(LongSupplier bytes, long stallNanos) throws InterruptedException;
}
