package scremoted.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scremoted.tls.TestPki.KeyForm;

class PassphraseTest {
    private static KeyPair keys;

    @TempDir
    Path dir;

    private Path encrypted;

    @BeforeAll
    static void keys() {
        keys = TestPki.ecKeys();
    }

    @BeforeEach
    void encryptedKey() {
        encrypted = TestPki.writeKey(dir.resolve("key.pem"), keys.getPrivate(), KeyForm.PKCS8_ENCRYPTED);
    }

    @Test
    void anUnencryptedKeyNeedsNone() throws Exception {
        Path plain = TestPki.writeKey(dir.resolve("plain.pem"), keys.getPrivate(), KeyForm.TRADITIONAL);
        Path file = Files.writeString(dir.resolve("pass"), "unused\n");
        assertNull(Passphrase.obtain(plain, Map.of("SC_REMOTED_PASSPHRASE_FILE", file.toString()), null));
    }

    @Test
    void theFileNamedInTheEnvironmentGivesItsFirstLine() throws Exception {
        Path file = Files.writeString(dir.resolve("pass"), "first line\r\nsecond line\n");
        char[] passphrase = Passphrase.obtain(encrypted, Map.of("SC_REMOTED_PASSPHRASE_FILE", file.toString()), null);
        assertArrayEquals("first line".toCharArray(), passphrase);
    }

    @Test
    void aPassphraseFileWithoutNewlineWorks() throws Exception {
        Path file = Files.writeString(dir.resolve("pass"), new String(TestPki.PASSPHRASE));
        char[] passphrase = Passphrase.obtain(encrypted, Map.of("SC_REMOTED_PASSPHRASE_FILE", file.toString()), null);
        PemMaterial.privateKey(encrypted, passphrase);
    }

    @Test
    void theSystemdCredentialIsUsed() throws Exception {
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Files.writeString(credentials.resolve("sc_remoted-passphrase"), "from systemd\n");
        char[] passphrase = Passphrase.obtain(encrypted, Map.of("CREDENTIALS_DIRECTORY", credentials.toString()), null);
        assertArrayEquals("from systemd".toCharArray(), passphrase);
    }

    @Test
    void thePassphraseFileComesBeforeTheCredential() throws Exception {
        Path credentials = Files.createDirectory(dir.resolve("credentials"));
        Files.writeString(credentials.resolve("sc_remoted-passphrase"), "from systemd\n");
        Path file = Files.writeString(dir.resolve("pass"), "from file\n");
        char[] passphrase = Passphrase.obtain(encrypted, Map.of(
                "CREDENTIALS_DIRECTORY", credentials.toString(),
                "SC_REMOTED_PASSPHRASE_FILE", file.toString()), null);
        assertArrayEquals("from file".toCharArray(), passphrase);
    }

    @Test
    void aMissingPassphraseFileIsAConfigError() {
        Path missing = dir.resolve("missing");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> Passphrase.obtain(encrypted, Map.of("SC_REMOTED_PASSPHRASE_FILE", missing.toString()), null));
        assertEquals(missing + " (SC_REMOTED_PASSPHRASE_FILE): no such file", e.getMessage());
    }

    @Test
    void anEmptyPassphraseFileIsAConfigError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> Passphrase.obtain(encrypted, Map.of("SC_REMOTED_PASSPHRASE_FILE", empty.toString()), null));
        assertEquals(empty + " (SC_REMOTED_PASSPHRASE_FILE): empty, no passphrase in it", e.getMessage());
    }

    @Test
    void noTerminalAndNoEnvironmentIsAConfigError() throws Exception {
        Path credentialsWithoutIt = Files.createDirectory(dir.resolve("credentials"));
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> Passphrase.obtain(encrypted, Map.of("CREDENTIALS_DIRECTORY", credentialsWithoutIt.toString()), null));
        assertEquals(encrypted + " is encrypted and there is no terminal to ask for its passphrase;"
                + " set SC_REMOTED_PASSPHRASE_FILE or use systemd LoadCredential=sc_remoted-passphrase:FILE",
                e.getMessage());
        assertThrows(TlsConfigException.class, () -> Passphrase.obtain(encrypted, Map.of(), null));
    }
}
