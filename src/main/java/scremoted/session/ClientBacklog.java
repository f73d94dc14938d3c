package scremoted.session;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What waits to be written to unix clients, summed over every client, against a limit. Past the
 * limit, every monitor whose client has more than a little waiting pauses its reader until that
 * client has caught up: slow clients together cannot fill the heap, however many there are.
 *
 * <p>Threads: client connections add and subtract; monitor readers ask {@link #over}.
 */
public final class ClientBacklog {
    private final long limit;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public ClientBacklog(long limit) {
        this.limit = limit;
    }

    /** Bytes queued for a client (positive) or written or dropped (negative). */
    public void add(long bytes) {
        long now = total.addAndGet(bytes);
        if (now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
    }

    public boolean over() {
        return total.get() > limit;
    }

    /** For tests. */
    public long total() {
        return total.get();
    }

    /** The most that ever waited at once: for tests. */
    public long peak() {
        return peak.get();
    }
}
