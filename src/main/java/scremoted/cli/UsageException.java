package scremoted.cli;

/** The command line is wrong: print the message and a short usage, exit non-zero. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
