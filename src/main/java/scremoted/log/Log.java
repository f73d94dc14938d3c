package scremoted.log;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.function.Supplier;

/**
 * Lines on stderr as {@code [HH:MM:SS:mmm] where: message}. Debug lines only with -O debug;
 * error lines always, except in daemon mode where stderr is gone. -O notimes drops the time stamp.
 */
public final class Log {
    private static volatile boolean debug;
    private static volatile boolean errors = true;
    private static volatile boolean times = true;
    private static volatile PrintStream out = System.err;
    /**
     * Looked up once, when the class loads: the first lookup reads the time zone database, which
     * fails when the process has run out of descriptors, the very moment an error wants logging.
     */
    private static final ZoneId ZONE = ZoneId.systemDefault();

    private Log() {}

    public static void configure(boolean debugLines, boolean errorLines, boolean timeStamps) {
        debug = debugLines;
        errors = errorLines;
        times = timeStamps;
    }

    /** Sends lines elsewhere (tests capture them). */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    /** The message is only built when debug lines are on. */
    public static void debug(String where, Supplier<String> message) {
        if (debug) {
            print(where, message.get());
        }
    }

    public static void error(String where, String message) {
        if (errors) {
            print(where, message);
        }
    }

    private static void print(String where, String message) {
        StringBuilder line = new StringBuilder(32 + message.length());
        if (times) {
            LocalTime t = LocalTime.now(ZONE);
            line.append('[');
            two(line, t.getHour()).append(':');
            two(line, t.getMinute()).append(':');
            two(line, t.getSecond()).append(':');
            int ms = t.getNano() / 1_000_000;
            if (ms < 100) {
                line.append('0');
            }
            two(line, ms).append("] ");
        }
        line.append(where).append(": ").append(message);
        out.println(line);
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }
}
