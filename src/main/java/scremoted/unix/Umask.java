package scremoted.unix;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** The process umask, which the JDK cannot set: through jnr-posix. */
public final class Umask {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    private Umask() {}

    /** Sets the umask to 077 so that sockets are born 0700, before any socket is bound. */
    public static void restrict() {
        POSIX.umask(0077);
    }
}
