package scremoted.tls;

/**
 * Certificate, key, CA or passphrase cannot be used. The message is one line, meant for the user,
 * and names the file at fault.
 */
public final class TlsConfigException extends Exception {
    public TlsConfigException(String message) {
        super(oneLine(message));
    }

    public TlsConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
