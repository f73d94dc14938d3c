package scremoted.session;

import java.io.IOException;

/** Opens the place where local clients reach an established session (its unix socket file). */
public interface ClientPort {
    /**
     * Starts accepting clients for the session under the given name. Called with the session's
     * lock held; must not block on anything but the file system.
     *
     * @return what closes it again (removing the socket file)
     */
    AutoCloseable open(Session session, String name) throws IOException;
}
