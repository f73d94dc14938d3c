package scremoted.daemon;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM end the process gracefully; SIGHUP reloads. SIGPIPE needs nothing: the JVM
 * never lets it kill the process (a write to a closed socket is an IOException).
 */
public final class Signals {
    private Signals() {}

    public static void onTerminate(Runnable action) {
        Signal.handle(new Signal("INT"), s -> action.run());
        Signal.handle(new Signal("TERM"), s -> action.run());
    }

    /** Without a handler the JVM would exit on SIGHUP. */
    public static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), s -> Thread.ofVirtual().start(action));
    }
}
