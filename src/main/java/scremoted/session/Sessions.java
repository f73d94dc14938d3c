package scremoted.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import scremoted.buffer.PayloadPool;
import scremoted.wire.Control;

/**
 * The registry of sessions, established and zombie, by magic.
 *
 * <p>Threads: called from connection threads (hello), from sessions destroying themselves, and
 * from the shutdown path.
 */
public final class Sessions {
    /**
     * Test-only: the sequence number both sides start at, instead of 0, so that tests can cross the
     * 2^32 wrap-around without sending four billion messages. A simulated scamper must start there too.
     */
    public static final String INITIAL_SEQUENCE_PROPERTY = "sc_remoted.test.initialSequence";

    private final ConcurrentHashMap<String, Session> byMagic = new ConcurrentHashMap<>();
    final SessionPolicy policy;
    final Timers timers;
    final ClientPort clientPort;
    final PayloadPool pool;
    final ClientBacklog clientBacklog;
    final int initialSequence = Integer.parseUnsignedInt(System.getProperty(INITIAL_SEQUENCE_PROPERTY, "0"));

    /**
     * @param pool where dropped payloads from {@link scremoted.wire.FrameReader} go back to
     * @param clientBacklog what waits for every client together, which the clients keep up to date
     */
    public Sessions(SessionPolicy policy, Timers timers, ClientPort clientPort, PayloadPool pool,
            ClientBacklog clientBacklog) {
        this.policy = policy;
        this.timers = timers;
        this.clientPort = clientPort;
        this.pool = pool;
        this.clientBacklog = clientBacklog;
    }

    /** MASTER_NEW: a new session on this link, or refused (duplicate magic, socket not creatable). */
    public Session admit(Control.MasterNew hello, Link link) throws HelloRefused {
        Session session = new Session(this, hello.magic(), hello.name());
        for (;;) {
            Session old = byMagic.putIfAbsent(session.key, session);
            if (old == null) {
                break;
            }
            if (!old.retireIfZombieNamed(hello.name())) {
                throw new HelloRefused("magic already in use by " + old.describe());
            }
        }
        try {
            session.establish(link);
        } catch (HelloRefused e) {
            byMagic.remove(session.key, session);
            throw e;
        }
        return session;
    }

    /**
     * MASTER_RES: the session with that magic, now on this link, or refused.
     *
     * @param nameAllowed whether this connection may speak for a monitor of that name (its client certificate)
     */
    public Session resume(Control.MasterRes hello, Link link, Predicate<String> nameAllowed) throws HelloRefused {
        if (policy.zombieNanos() == 0) {
            throw new HelloRefused("resumption is disabled (-Z 0)");
        }
        Session session = byMagic.get(key(hello.magic()));
        if (session == null) {
            throw new HelloRefused("no session with that magic");
        }
        session.resume(hello, link, nameAllowed);
        return session;
    }

    void remove(Session session) {
        byMagic.remove(session.key, session);
    }

    public int size() {
        return byMagic.size();
    }

    /** Destroys every session: clients disconnected, socket files removed. */
    public void closeAll() {
        for (Session s : List.copyOf(byMagic.values())) {
            s.destroy("server shutting down");
        }
    }

    static String key(byte[] magic) {
        return new String(magic, StandardCharsets.ISO_8859_1);
    }
}
