package scremoted.tls;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the private key's passphrase comes from, in order: none needed (the key is not encrypted);
 * the first line of the file named by {@code SC_REMOTED_PASSPHRASE_FILE}; the first line of the
 * systemd credential {@code sc_remoted-passphrase} ({@code LoadCredential=sc_remoted-passphrase:FILE},
 * found under {@code $CREDENTIALS_DIRECTORY}); the terminal, with OpenSSL's prompt, as the C
 * sc_remoted asks. Never from the command line, where any user could read it in the process list.
 *
 * <p>Called once, on the main thread at start-up, before any detaching from the terminal.
 */
public final class Passphrase {
    static final String FILE_VARIABLE = "SC_REMOTED_PASSPHRASE_FILE";
    static final String CREDENTIALS_VARIABLE = "CREDENTIALS_DIRECTORY";
    static final String CREDENTIAL_NAME = "sc_remoted-passphrase";
    private static final String PROMPT = "Enter PEM pass phrase:";
    private static final String ALTERNATIVES =
            "set " + FILE_VARIABLE + " or use systemd LoadCredential=" + CREDENTIAL_NAME + ":FILE";

    private Passphrase() {}

    /** The passphrase for the key, or null when the key is not encrypted. */
    public static char[] obtain(Path keyFile) throws TlsConfigException {
        return obtain(keyFile, System.getenv(), System.console());
    }

    /**
     * As {@link #obtain(Path)}, with the environment and terminal given.
     *
     * @param console the terminal to prompt on, or null when there is none
     */
    public static char[] obtain(Path keyFile, Map<String, String> environment, Console console)
            throws TlsConfigException {
        if (!PemMaterial.isEncrypted(keyFile)) {
            return null;
        }
        String passphraseFile = environment.get(FILE_VARIABLE);
        if (passphraseFile != null && !passphraseFile.isEmpty()) {
            return firstLine(Path.of(passphraseFile), passphraseFile + " (" + FILE_VARIABLE + ")");
        }
        String credentials = environment.get(CREDENTIALS_VARIABLE);
        if (credentials != null && !credentials.isEmpty()) {
            Path credential = Path.of(credentials, CREDENTIAL_NAME);
            if (Files.exists(credential)) {
                return firstLine(credential, credential + " (systemd credential)");
            }
        }
        if (console != null) {
            char[] typed = console.readPassword("%s", PROMPT);
            if (typed == null) {
                throw new TlsConfigException(keyFile + " is encrypted and no passphrase was entered; "
                        + ALTERNATIVES);
            }
            return typed;
        }
        throw new TlsConfigException(keyFile + " is encrypted and there is no terminal to ask for its passphrase; "
                + ALTERNATIVES);
    }

    /** @param name the file as the user should see it named: where its name came from too */
    private static char[] firstLine(Path file, String name) throws TlsConfigException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null) {
                throw new TlsConfigException(name + ": empty, no passphrase in it");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw FileProblems.unreadable(name, e);
        }
    }
}
