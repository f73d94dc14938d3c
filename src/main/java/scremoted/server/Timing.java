package scremoted.server;

/**
 * The protocol's durations. Every one is a number of "seconds" of {@code millisPerSecond}
 * milliseconds: 1000 in service; tests shrink it (system property {@value #PROPERTY}) so that timer
 * behaviour is exercised in seconds rather than minutes.
 */
public record Timing(long millisPerSecond) {
    public static final String PROPERTY = "sc_remoted.millisPerSecond";
    public static final Timing REAL = new Timing(1000);

    public Timing {
        if (millisPerSecond < 1) {
            throw new IllegalArgumentException("millisPerSecond must be positive");
        }
    }

    /** REAL, unless the test-only system property says otherwise. */
    public static Timing fromSystemProperty() {
        String v = System.getProperty(PROPERTY);
        return v == null ? REAL : new Timing(Long.parseLong(v));
    }

    /** The TLS handshake and MASTER_NEW/MASTER_RES must be done within this of the accept. */
    public long helloNanos() {
        return seconds(30);
    }

    /** A KEEPALIVE goes out when nothing was sent to the monitor for this long. */
    public long keepaliveNanos() {
        return seconds(30);
    }

    /** A monitor from which nothing arrived for this long is gone. */
    public long receiveNanos() {
        return seconds(60);
    }

    public long seconds(long n) {
        return n * millisPerSecond * 1_000_000L;
    }
}
