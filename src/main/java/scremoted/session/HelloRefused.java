package scremoted.session;

/** A MASTER_NEW or MASTER_RES that cannot be accepted; the message says why. */
public final class HelloRefused extends Exception {
    public HelloRefused(String message) {
        super(message);
    }
}
